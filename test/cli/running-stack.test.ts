/**
 * The commands that talk to a running service, against `npm start`'s compiled entrypoint
 * (its own Temporal dev server, SQLite in a temp folder, the Twilio emulator), started once.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { PaymentView } from '../../src/monitoring/shapes';
import { freePort } from '../helpers/ports';
import { eventually, spawnEntrypoint, stopProcess, type Spawned } from '../helpers/processes';
import { errorLine, runCli, type CliRun } from './run-cli';

const WEBHOOK_SECRET = 'cli-tests-webhook-secret';
let dataDir: string;
let env: Record<string, string>;
let stack: Spawned;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-stack-'));
  env = {
    DATA_DIR: dataDir,
    PORT: String(await freePort()),
    TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
    TEMPORAL_UI_PORT: String(await freePort()),
    TWILIO_EMULATOR_PORT: String(await freePort()),
    // Longer than any test here takes, however loaded the machine: a `paid` always finds its
    // recovery waiting. (No test here needs an SMS to go out; the e2e suites send them.)
    RECOVERY_DELAY: '10m',
    QUIET_HOURS: 'off', // runs at any hour; quiet hours have their own tests
    WEBHOOK_SECRET,
    LOG_LEVEL: 'warn',
  };
  stack = spawnEntrypoint('start', env);
  await stack.waitFor(/Press Ctrl-C to stop/, 90_000);
}, 120_000);

afterAll(async () => {
  // SIGINT, as Ctrl-C: the stack also stops the Temporal dev server it started.
  if (stack) await stopProcess(stack, 'SIGINT');
  fs.rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

const cli = (...args: string[]) => runCli(args, env);

function generatedId(run: CliRun): string {
  const match = /^payment (\S+) \(generated id\)/m.exec(run.stdout);
  if (!match) throw new Error(`no generated id in:\n${run.stdout}`);
  return match[1];
}

async function view(gateway: string, id: string): Promise<PaymentView> {
  const run = await cli('payment', 'show', gateway, id, '--json');
  if (run.code !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as PaymentView;
}

test('simulate-webhook posts a TriboPay postback with the webhook token and prints the answer', async () => {
  const run = await cli(
    'simulate-webhook',
    '--gateway',
    'tribopay',
    '--status',
    'waiting',
    '--phone',
    '(11) 98765-4321',
  );

  expect(run.code).toBe(0);
  const id = generatedId(run);
  expect(run.stdout).toContain(`payment ${id} (generated id), status waiting_payment`);
  expect(run.stdout).toContain('HTTP 202 Accepted');
  expect(JSON.parse(run.stdout.slice(run.stdout.indexOf('{')))).toMatchObject({
    outcome: 'scheduled',
    workflowId: `recovery:tribopay:${id}`,
  });
});

test("GhostPay webhooks carry the gateway's own spelling of the status", async () => {
  const run = await cli(
    'simulate-webhook',
    '--gateway',
    'ghostpay',
    '--status',
    'waiting',
    '--phone',
    '21987654321',
    '--amount',
    '4990',
  );

  expect(run.code).toBe(0);
  const shown = await view('ghostpay', generatedId(run));
  expect(shown.events).toEqual([
    expect.objectContaining({
      rawStatus: 'PENDING',
      paymentStatus: 'waiting',
      paymentMethod: 'pix',
      amountCentavos: 4990,
      phone: '+5521987654321',
    }),
  ]);
});

test('a wrong webhook token is refused: the 401 is printed and the error is one line', async () => {
  const run = await runCli(['simulate-webhook', '--gateway', 'tribopay', '--status', 'paid'], {
    ...env,
    WEBHOOK_SECRET: 'not-the-service-secret',
  });

  expect(run.code).toBe(1);
  expect(run.stdout).toContain('HTTP 401 Unauthorized');
  expect(errorLine(run)).toBe('error: the API answered 401: missing or wrong webhook token');
});

test('payment show gives the recovery as the API shows it, and a later paid ends it', async () => {
  const id = generatedId(
    await cli(
      'simulate-webhook',
      '--gateway',
      'tribopay',
      '--status',
      'waiting',
      '--phone',
      '11987654321',
      '--name',
      'Ana Souza',
    ),
  );
  const paid = await cli(
    'simulate-webhook',
    '--gateway',
    'tribopay',
    '--status',
    'paid',
    '--id',
    id,
  );
  expect(paid.code).toBe(0);
  expect(JSON.parse(paid.stdout.slice(paid.stdout.indexOf('{')))).toMatchObject({
    outcome: 'signalled',
  });

  let last: PaymentView['workflow'] | undefined;
  const shown = await eventually(
    async () => {
      const current = await view('tribopay', id);
      last = current.workflow;
      return current.workflow.state?.lastPaymentStatus === 'paid' && current;
    },
    // Generous: each try starts the CLI and waits for the state query, slow on a loaded 2-core machine.
    90_000,
    () => `the paid status in the workflow state (last seen: ${JSON.stringify(last)})`,
  );
  expect(shown.events.map((e) => [e.rawStatus, e.outcome])).toEqual([
    ['waiting_payment', 'scheduled'],
    ['paid', 'signalled'],
  ]);
  expect(shown.workflowId).toBe(`recovery:tribopay:${id}`);

  const summary = await cli('payment', 'show', 'tribopay', id);
  expect(summary.code).toBe(0);
  expect(summary.stdout).toContain(`payment     tribopay ${id}`);
  expect(summary.stdout).toMatch(/status {6}\w+ \(payment paid\)/);
  expect(summary.stdout).toMatch(
    /webhooks \(2\)\n {2}\S+ {2}waiting \(waiting_payment\) {2}pix {2}R\$ 50,00 {2}\+5511987654321 {2}→ scheduled/,
  );
}, 150_000);

test("test-sms beside npm start, without Twilio settings, sends through the stack's emulator and prints the SID", async () => {
  const runFile = path.join(dataDir, 'run.json');
  expect(fs.statSync(runFile).mode & 0o777).toBe(0o600);

  const run = await cli('test-sms', '--phone', '11987654321', '--name', 'Ana');

  expect(run.code).toBe(0);
  const sid = /^sent {6}(SM\w{32}) /m.exec(run.stdout)?.[1];
  expect(sid).toBeDefined();
  const received = (await (
    await fetch(`http://127.0.0.1:${env.TWILIO_EMULATOR_PORT}/__emulator/messages`)
  ).json()) as { sid: string; to: string }[];
  expect(received).toContainEqual(expect.objectContaining({ sid, to: '+5511987654321' }));
});

test('npm run --silent cli -- payment show --json prints nothing but the JSON document on stdout', async () => {
  const id = generatedId(
    await cli('simulate-webhook', '--gateway', 'ghostpay', '--status', 'waiting'),
  );
  const { stdout } = await promisify(execFile)(
    'npm',
    ['run', '--silent', 'cli', '--', 'payment', 'show', 'ghostpay', id, '--json'],
    { cwd: path.resolve(__dirname, '../..'), env: { ...process.env, ...env }, timeout: 60_000 },
  );

  expect((JSON.parse(stdout) as PaymentView).workflowId).toBe(`recovery:ghostpay:${id}`);
}, 90_000);

test('payment show of a payment the service never heard of fails on one line', async () => {
  const run = await cli('payment', 'show', 'tribopay', 'never-received');

  expect(run.code).toBe(1);
  expect(errorLine(run)).toBe(
    'error: no payment "never-received" from tribopay: no webhook, SMS or workflow',
  );
});

test("replay <workflowId> fetches the workflow's history from Temporal and replays it", async () => {
  const id = generatedId(
    await cli(
      'simulate-webhook',
      '--gateway',
      'tribopay',
      '--status',
      'waiting',
      '--phone',
      '11987654321',
    ),
  );

  const run = await cli('replay', `recovery:tribopay:${id}`);

  expect(run.stderr).toBe('');
  expect(run.stdout).toMatch(/^replayed \d+ events: OK$/m);
  expect(run.code).toBe(0);
});

test('replay of a workflow id Temporal does not know fails on one line', async () => {
  const run = await cli('replay', 'recovery:tribopay:no-such-payment');

  expect(run.code).toBe(1);
  expect(errorLine(run)).toMatch(
    /^error: no workflow "recovery:tribopay:no-such-payment" in namespace "default" at 127\.0\.0\.1:\d+$/,
  );
});
