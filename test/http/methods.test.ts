import http from 'node:http';
import pino from 'pino';
import { createApp } from '../../src/http/app';
import type { RecoveryClient } from '../../src/temporal/recovery-client';
import { sqliteTestDb, type TestDb } from '../helpers/db';
import { serve, type TestServer } from '../helpers/http';
import { API_TOKEN } from '../monitoring/app';

let testDb: TestDb;
let server: TestServer;

beforeAll(async () => {
  testDb = await sqliteTestDb();
  const app = createApp({
    db: testDb.db,
    logger: pino({ level: 'silent' }),
    apiToken: API_TOKEN,
    health: async () => ({
      ok: true,
      database: { ok: true },
      temporal: { ok: true },
      worker: { ok: true },
    }),
    // No request here reaches a route handler that starts or queries a recovery.
    recoveries: {} as RecoveryClient,
  });
  server = await serve(app);
});

afterAll(async () => {
  await server?.close();
  await testDb?.drop();
});

/** node:http rather than fetch, which refuses to send TRACE. */
function request(method: string, path: string) {
  return new Promise<{ status: number; allow: string | undefined; text: string }>(
    (resolve, reject) => {
      const req = http.request(
        server.url + path,
        { method, headers: { authorization: `Bearer ${API_TOKEN}` } },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, allow: res.headers.allow, text }),
          );
        },
      );
      req.on('error', reject);
      req.end();
    },
  );
}

describe('methods a path does not serve', () => {
  test.each(['TRACE', 'PUT', 'PATCH'])(
    '%s on a known path is 405 with Allow, in the error shape (not 501)',
    async (method) => {
      const reply = await request(method, '/metrics');

      expect(reply.status).toBe(405);
      expect(reply.allow).toBe('GET, HEAD');
      expect(JSON.parse(reply.text)).toMatchObject({ error: { status: 405 } });
    },
  );

  test('TRACE on an unknown path is 404', async () => {
    expect((await request('TRACE', '/nowhere')).status).toBe(404);
  });

  test('suppressions/lookup/ is not also suppressions/{id}/: GET is 405 and OPTIONS allows POST only', async () => {
    const get = await request('GET', '/api/webhooks/suppressions/lookup/');
    const options = await request('OPTIONS', '/api/webhooks/suppressions/lookup');

    expect(get.status).toBe(405);
    expect(get.allow).toBe('POST');
    expect(options.status).toBe(204);
    expect(options.allow).toBe('POST');
  });

  test('OPTIONS on a path with several methods lists them all', async () => {
    const reply = await request('OPTIONS', '/api/webhooks/suppressions/7/');

    expect(reply.allow?.split(', ').sort()).toEqual(['DELETE', 'GET', 'HEAD']);
  });
});
