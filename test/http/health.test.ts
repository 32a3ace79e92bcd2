import { readFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import type { HealthReport } from '../../src/health';
import { createApp } from '../../src/http/app';
import type { RecoveryClient } from '../../src/temporal/recovery-client';
import { sqliteTestDb, type TestDb } from '../helpers/db';
import { serve, type TestServer } from '../helpers/http';

const VERSION = (
  JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as {
    version: string;
  }
).version;

let testDb: TestDb;
let server: TestServer;
let report: HealthReport;

beforeAll(async () => {
  testDb = await sqliteTestDb();
  const app = createApp({
    db: testDb.db,
    logger: pino({ level: 'silent' }),
    health: async () => report,
    // The health routes never start or query a recovery.
    recoveries: {} as RecoveryClient,
  });
  server = await serve(app);
});

afterAll(async () => {
  await server?.close();
  await testDb?.drop();
});

const allUp: HealthReport = {
  ok: true,
  database: { ok: true },
  temporal: { ok: true },
  worker: { ok: true },
};

async function get(p: string) {
  const res = await fetch(server.url + p);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('health for orchestrators', () => {
  test('/livez answers 200 with the version and uptime even when the database and Temporal are down', async () => {
    report = { ok: false, database: { ok: false }, temporal: { ok: false }, worker: { ok: false } };

    const live = await get('/livez');

    expect(live.status).toBe(200);
    expect(live.body).toEqual({
      status: 'ok',
      version: VERSION,
      uptimeSeconds: expect.any(Number),
    });
    expect(Number.isInteger(live.body.uptimeSeconds)).toBe(true);
  });

  test('/readyz answers 200 with version and uptime when every part answers', async () => {
    report = allUp;

    const ready = await get('/readyz');

    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ok', version: VERSION, database: { ok: true } });
    expect(ready.body.uptimeSeconds).toEqual(expect.any(Number));
  });

  test('/readyz answers 503 naming the failing part, and the old health path answers the same', async () => {
    report = {
      ...allUp,
      ok: false,
      worker: { ok: false, detail: 'no worker polling task queue "q"' },
    };

    const ready = await get('/readyz');
    const legacy = await get('/api/webhooks/health/');
    const slashless = await get('/api/webhooks/health');

    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ status: 'unavailable', worker: { ok: false } });
    for (const alias of [legacy, slashless]) {
      expect(alias.status).toBe(503);
      expect({ ...alias.body, uptimeSeconds: 0 }).toEqual({ ...ready.body, uptimeSeconds: 0 });
    }
  });
});
