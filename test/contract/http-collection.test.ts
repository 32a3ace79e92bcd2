import fs from 'node:fs';
import path from 'node:path';
import type { RouteDoc } from '../../src/http/openapi';
import { ROUTE_DOCS } from '../../src/http/schemas';
import { API_TOKEN } from '../monitoring/app';
import { ASAAS_TOKEN, startContractStack, WEBHOOK_SECRET, type ContractStack } from './stack';

// The .http collection in http/ is runnable documentation: every request in it, in file
// order, against the real API on a fresh database, and every route is in it.
const DIR = path.resolve(__dirname, '../../http');

interface HttpRequest {
  title: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** The `.http` format: `### title`, then `METHOD URL`, header lines, a blank line, a body. */
function parseHttpFile(text: string, vars: Record<string, string>): HttpRequest[] {
  const fill = (s: string) => s.replace(/\{\{(\w+)\}\}/g, (_, name: string) => vars[name]);
  return text
    .split(/^###/m)
    .slice(1)
    .map((block) => {
      const [titleLine, ...rest] = block.split('\n');
      const blank = rest.findIndex((line, i) => i > 0 && line.trim() === '');
      const head = (blank === -1 ? rest : rest.slice(0, blank)).filter((l) => l.trim() !== '');
      const body =
        blank === -1
          ? ''
          : rest
              .slice(blank + 1)
              .join('\n')
              .trim();
      const [method, url] = head[0].split(' ');
      const headers = Object.fromEntries(
        head.slice(1).map((line) => {
          const at = line.indexOf(':');
          return [line.slice(0, at).trim(), fill(line.slice(at + 1).trim())];
        }),
      );
      return { title: titleLine.trim(), method, url: fill(url), headers, body: body || undefined };
    });
}

function routeOf(method: string, url: string): RouteDoc | undefined {
  const { pathname } = new URL(url);
  return ROUTE_DOCS.find((doc) => {
    const pattern = doc.path.replace(/\{\w+\}/g, '[^/]+').replace(/\/$/, '/?');
    return doc.method === method.toLowerCase() && new RegExp(`^${pattern}$`).test(pathname);
  });
}

let stack: ContractStack;

beforeAll(async () => {
  stack = await startContractStack();
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

test('every request of the HTTP collection gets a documented answer, and every route is in it', async () => {
  const vars = {
    baseUrl: stack.url,
    apiToken: API_TOKEN,
    webhookSecret: WEBHOOK_SECRET,
    asaasToken: ASAAS_TOKEN,
  };
  const files = fs
    .readdirSync(DIR)
    .filter((f) => f.endsWith('.http'))
    .sort();
  const requests = files.flatMap((f) =>
    parseHttpFile(fs.readFileSync(path.join(DIR, f), 'utf8'), vars),
  );
  const covered = new Set<RouteDoc>();
  const answers: string[] = [];

  for (const request of requests) {
    const route = routeOf(request.method, request.url);
    if (!route) throw new Error(`no documented route for ${request.method} ${request.url}`);
    covered.add(route);
    const res = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
    });
    await res.arrayBuffer();
    answers.push(`${request.title}: ${res.status}`);
    expect(Object.keys(route.responses).map(Number)).toContain(res.status);
    // Twilio's webhooks need Twilio's signature, which a collection can't carry.
    const expected =
      route.security === 'twilioSignature' ? 403 : res.status < 300 ? res.status : 200;
    expect(`${request.title}: ${res.status}`).toBe(`${request.title}: ${expected}`);
  }

  expect(ROUTE_DOCS.filter((doc) => !covered.has(doc)).map((d) => d.operationId)).toEqual([]);
  expect(answers.length).toBeGreaterThanOrEqual(ROUTE_DOCS.length);
}, 60_000);
