import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { routePaths } from '../../src/http/openapi';
import { ROUTE_DOCS } from '../../src/http/schemas';
import { pgTestDb, type TestDb } from '../helpers/db';
import { serve, type TestServer } from '../helpers/http';
import { createTimeSkippingEnv } from '../helpers/temporal';
import { API_TOKEN, call, monitoringApp } from './app';

const SAMPLE_PARAMS: Record<string, string> = { id: '1', gateway: 'tribopay', payment_id: 'p-1' };

/** Every method and concrete path of the routes documented as needing the bearer token. */
const PROTECTED = ROUTE_DOCS.filter((doc) => doc.security === 'bearer').flatMap((doc) =>
  routePaths(doc).map((path) => [
    doc.method.toUpperCase(),
    path.replace(/:(\w+)/g, (_, name: string) => SAMPLE_PARAMS[name]),
  ]),
);

let env: TestWorkflowEnvironment;
let testDb: TestDb;
let server: TestServer;
let tokenless: TestServer;

beforeAll(async () => {
  [env, testDb] = await Promise.all([createTimeSkippingEnv(), pgTestDb()]);
  server = await serve(monitoringApp({ db: testDb.db, temporal: env.client }));
  tokenless = await serve(
    monitoringApp({ db: testDb.db, temporal: env.client, apiToken: undefined }),
  );
}, 60_000);

afterAll(async () => {
  await Promise.all([server?.close(), tokenless?.close()]);
  await Promise.all([env?.teardown(), testDb?.drop()]);
});

function request(
  target: TestServer,
  method: string,
  path: string,
  headers: Record<string, string>,
) {
  const body = method === 'POST' ? { phone_number: '11987654321' } : undefined;
  return call(target.url, path, { method, token: null, headers, body });
}

describe('the monitoring API token', () => {
  test('covers all twenty-four monitoring and privacy paths (twelve routes, with and without the slash)', () => {
    expect(PROTECTED).toHaveLength(24);
  });

  test.each(PROTECTED)(
    '%s %s refuses a request without it, a wrong one, another scheme, or one in the query',
    async (method, path) => {
      const attempts = [
        await request(server, method, path, {}),
        await request(server, method, path, {
          authorization: 'Bearer wrong-token-0123456789abcdef',
        }),
        await request(server, method, path, {
          authorization: `Basic ${Buffer.from(`x:${API_TOKEN}`).toString('base64')}`,
        }),
        await request(
          server,
          method,
          `${path}${path.includes('?') ? '&' : '?'}token=${API_TOKEN}`,
          {},
        ),
      ];

      for (const reply of attempts) {
        expect(reply.status).toBe(401);
        expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="monitoring"');
        expect(reply.json.error).toMatchObject({ status: 401, requestId: expect.any(String) });
      }
    },
  );

  test.each(PROTECTED)(
    '%s %s lets the right token through (scheme in any case)',
    async (method, path) => {
      const reply = await request(server, method, path, { authorization: `bearer ${API_TOKEN}` });

      // No SMS sender here: test-sms gets past the token to answer that Twilio is not configured.
      expect(reply.status).not.toBe(401);
    },
  );

  test.each(PROTECTED)(
    '%s %s refuses everyone while API_TOKEN is unset, saying so',
    async (method, path) => {
      const reply = await request(tokenless, method, path, {
        authorization: `Bearer ${API_TOKEN}`,
      });

      expect(reply.status).toBe(401);
      expect(reply.json.error.message).toMatch(/set API_TOKEN/);
    },
  );

  test.each([['/api/openapi.json'], ['/api/webhooks/health/']])(
    '%s needs no token',
    async (path) => {
      const reply = await request(tokenless, 'GET', path, {});

      expect(reply.status).toBe(200);
    },
  );
});
