import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROUTE_DOCS } from '../../src/http/schemas';
import { API_TOKEN } from '../monitoring/app';
import { WEBHOOK_ROUTES } from '../../src/http/schemas/intake';
import { startContractStack, WEBHOOK_SECRET, type ContractStack } from './stack';

// Schemathesis (installed into .tools/ by `npm run setup`) against the real API on
// PostgreSQL: every operation, every check, the bearer token and the webhook secret, a
// fixed seed and bounded examples (schemathesis.toml). Any finding fails the suite.
const ROOT = path.resolve(__dirname, '../..');
const ST = path.join(ROOT, '.tools/bin/st');
const TIME_BUDGET_S = 75;

let stack: ContractStack;

beforeAll(async () => {
  if (!existsSync(ST)) throw new Error(`${ST} is missing: run 'npm run setup'`);
  stack = await startContractStack();
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

/**
 * Runs `st` in an empty folder of its own: schemathesis and hypothesis keep caches of past
 * failures in the working directory and replay them, so a run would depend on the last.
 */
function schemathesis(args: string[]): Promise<{ code: number | null; output: string }> {
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'schemathesis-'));
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(ST, args, {
      cwd,
      env: { ...process.env, NO_COLOR: '1', COLUMNS: '120' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  }).finally(() => rmSync(cwd, { recursive: true, force: true }));
}

test('schemathesis finds nothing: every documented operation, all checks, real PostgreSQL', async () => {
  const run = await schemathesis([
    '--config-file',
    path.join(ROOT, 'schemathesis.toml'),
    'run',
    `${stack.url}/api/openapi.json`,
    '--checks',
    'all',
    '--header',
    `Authorization: Bearer ${API_TOKEN}`,
    '--header',
    `X-Webhook-Token: ${WEBHOOK_SECRET}`,
    '--max-time',
    String(TIME_BUDGET_S),
    // One worker: hypothesis describing strategies from several threads at once trips a
    // CPython 3.11 AST error that schemathesis reports as a runtime error.
    '--workers',
    '1',
    '--no-color',
  ]);

  const summary = run.output.slice(run.output.lastIndexOf('SUMMARY'));
  if (run.code !== 0) throw new Error(`schemathesis exited ${run.code}:\n${run.output}`);
  // Every operation but GET /api/openapi.json, which schemathesis leaves out as the schema itself.
  expect(summary).toContain(`Tested: ${ROUTE_DOCS.length - 1}\n`);
  expect(summary).not.toMatch(/❌|🚫|Failures:|Errors:/);
  const [, generated, passed] = /(\d+) generated, (\d+) passed/.exec(summary) ?? [];
  // A floor per operation rather than a total: the time budget cuts a run on a loaded machine
  // short (a quiet run generates over 1,000), but every operation must still have been fuzzed.
  expect(Number(generated)).toBeGreaterThan(10 * (ROUTE_DOCS.length - 1));
  expect(passed).toBe(generated);
}, 180_000);

/** Every webhook signature, present but wrong: each gateway's check must refuse it. */
const BAD_SIGNATURES = [
  'X-Webhook-Token: not-the-webhook-secret-0123',
  'Stripe-Signature: t=1700000000,v1=00',
  'x-signature: ts=1700000000,v1=00',
  'x-request-id: contract-request',
  'asaas-access-token: not-the-asaas-token-0123',
  'X-Webhook-Asymmetric-Signature: alg=RS256; kid=not-pagarmes; signature=AAAA',
];
const AUTH_PASS_BUDGET_S = 20;

test('with webhook authentication on, schemathesis meets the documented 401 on every webhook operation, never a 5xx', async () => {
  const authStack = await startContractStack({ webhookAuth: true });
  try {
    const run = await schemathesis([
      '--config-file',
      path.join(ROOT, 'schemathesis.toml'),
      'run',
      `${authStack.url}/api/openapi.json`,
      '--include-path-regex',
      `^/api/webhooks/(${WEBHOOK_ROUTES.map((r) => r.path.split('/')[3]).join('|')})/$`,
      // What a refused body can be held to; positive_data_acceptance would call the 401 a bug.
      '--checks',
      'not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance',
      ...BAD_SIGNATURES.flatMap((header) => ['--header', header]),
      '--max-time',
      String(AUTH_PASS_BUDGET_S),
      '--workers',
      '1',
      '--no-color',
    ]);

    if (run.code !== 0) throw new Error(`schemathesis exited ${run.code}:\n${run.output}`);
    const summary = run.output.slice(run.output.lastIndexOf('SUMMARY'));
    expect(summary).toContain(`Tested: ${WEBHOOK_ROUTES.length}\n`);
    const posts = authStack.answers.filter((a) => a.method === 'POST');
    for (const route of WEBHOOK_ROUTES) {
      const statuses = new Set(posts.filter((a) => a.path === route.path).map((a) => a.status));
      expect([route.path, [...statuses]]).toEqual([route.path, [401]]);
    }
    expect(authStack.answers.filter((a) => a.status >= 500)).toEqual([]);
    // And the document the fuzzer read says so, for each of them.
    const doc = (await (await fetch(`${authStack.url}/api/openapi.json`)).json()) as {
      paths: Record<string, { post: { responses: Record<string, unknown> } }>;
    };
    for (const route of WEBHOOK_ROUTES)
      expect(Object.keys(doc.paths[route.path].post.responses)).toContain('401');
  } finally {
    await authStack.stop();
  }
}, 120_000);
