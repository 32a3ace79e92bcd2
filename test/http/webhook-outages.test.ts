import os from 'node:os';
import {
  Client,
  Connection,
  defaultGrpcRetryOptions,
  makeGrpcRetryInterceptor,
} from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createDb } from '../../src/db/connect';
import { pgTestDb, PG_ADMIN_URL, type TestDb } from '../helpers/db';
import { createHealthCheck } from '../../src/health';
import { INTAKE_TASK_QUEUE, intakeApp, serve, type Reply, type TestServer } from '../helpers/http';
import { eventually } from '../helpers/processes';
import { freePort } from '../helpers/ports';
import { createTimeSkippingEnv, testDataConverter } from '../helpers/temporal';
import { ghostpay, newPaymentId, tribopayPostback } from './webhook-payloads';

let env: TestWorkflowEnvironment;
const cleanup: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  env = await createTimeSkippingEnv();
}, 60_000);

afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
  await env?.teardown();
});

/** Serves the intake and closes it after the suite, whatever the test did to its parts. */
async function intake(deps: Parameters<typeof intakeApp>[0]): Promise<TestServer> {
  const server = await serve(intakeApp(deps));
  cleanup.push(() => server.close());
  return server;
}

async function freshDb(): Promise<TestDb> {
  const testDb = await pgTestDb();
  cleanup.push(() => testDb.drop());
  return testDb;
}

/**
 * A 503 the gateway will retry, that tells it nothing about our insides: no stack trace,
 * host, port, connection string or database name.
 */
function expectUnavailable(reply: Reply, part: 'database', internals: string[]): void {
  expect(reply.status).toBe(503);
  expect(reply.headers.get('retry-after')).toBe('30');
  expect(reply.json).toEqual({
    error: {
      status: 503,
      message: `${part} unavailable, retry later`,
      requestId: reply.headers.get('x-request-id'),
    },
  });
  for (const secret of [
    ...internals,
    '127.0.0.1',
    'localhost',
    os.hostname(),
    'postgres',
    'ECONNREFUSED',
    '    at ',
  ]) {
    expect(reply.text).not.toContain(secret);
  }
}

describe('with the database unavailable', () => {
  test('a webhook after the connection pool was destroyed is answered 503 without internals', async () => {
    const testDb = await freshDb();
    const server = await intake({ db: testDb.db, temporal: env.client });
    await testDb.db.destroy();

    const reply = await server.post('/api/webhooks/ghostpay/', ghostpay(newPaymentId()));

    expectUnavailable(reply, 'database', [testDb.url]);
  });

  test('a webhook to a database that was dropped is answered 503 without internals', async () => {
    const testDb = await pgTestDb();
    const orphan = createDb({ client: 'pg', url: testDb.url });
    cleanup.push(() => orphan.destroy());
    await testDb.drop();
    const server = await intake({ db: orphan, temporal: env.client });

    const reply = await server.post('/api/webhooks/tribopay/', tribopayPostback(newPaymentId()));

    const databaseName = new URL(testDb.url).pathname.slice(1);
    expectUnavailable(reply, 'database', [testDb.url, databaseName, PG_ADMIN_URL]);
  });
});

describe('with Temporal unavailable', () => {
  test('webhooks are answered 202 with their outcome, wait in the outbox as a visible backlog, and are handed off once Temporal is back', async () => {
    const testDb = await freshDb();
    const deadAddress = `127.0.0.1:${await freePort()}`;
    // One attempt: the client's default retries would spend ~20 s before giving up.
    const unreachable = new Client({
      dataConverter: testDataConverter,
      connection: Connection.lazy({
        address: deadAddress,
        interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 1 }))],
      }),
    });
    cleanup.push(() => unreachable.connection.close());
    const whileDown = await intake({
      db: testDb.db,
      temporal: unreachable,
      relay: { sweepIntervalMs: 60_000 },
    });
    const [first, second] = [newPaymentId(), newPaymentId()];
    const body = JSON.stringify(ghostpay(first));

    const replies = [
      await whileDown.post('/api/webhooks/ghostpay/', body),
      await whileDown.post('/api/webhooks/tribopay/', tribopayPostback(second)),
    ];

    expect(replies.map((r): unknown[] => [r.status, r.json.outcome, r.json.workflowId])).toEqual([
      [202, 'scheduled', `recovery:ghostpay:${first}`],
      [202, 'scheduled', `recovery:tribopay:${second}`],
    ]);
    expect(await testDb.db('webhook_events').orderBy('id')).toMatchObject([
      { payment_id: first, raw_body: body, outcome: 'scheduled', handed_off_at: null },
      { payment_id: second, outcome: 'scheduled', handed_off_at: null },
    ]);
    // The first hand-off failed and freed its row; the second wasn't tried: after a failure
    // the intake leaves new rows to the sweeper instead of waiting on Temporal per webhook.
    expect(await testDb.db('outbox').orderBy('id')).toMatchObject([
      { payment_id: first, claimed_until: null, attempts: 0, last_error: expect.any(String) },
      { payment_id: second, claimed_until: null, attempts: 0, last_error: null },
    ]);
    const health = await createHealthCheck(testDb.db, unreachable, INTAKE_TASK_QUEUE)();
    expect(health).toMatchObject({
      ok: false,
      temporal: { ok: false },
      outbox: { pending: 2, oldestAgeSeconds: expect.any(Number) },
    });
    const metrics = await (await fetch(`${whileDown.url}/metrics`)).text();
    expect(metrics).toMatch(/^pix_recovery_outbox_pending 2$/m);
    expect(metrics).toMatch(/^pix_recovery_outbox_oldest_age_seconds \d/m);

    // Temporal is back (here: a second API process whose client reaches it); its sweeper drains.
    const afterRecovery = await intake({ db: testDb.db, temporal: env.client });
    await eventually(async () => (await testDb.db('outbox')).length === 0, 10_000, 'drained');

    for (const id of [`ghostpay:${first}`, `tribopay:${second}`]) {
      const described = await env.client.workflow.getHandle(`recovery:${id}`).describe();
      expect(described.status.name).toBe('RUNNING');
    }
    expect(await testDb.db('webhook_events').orderBy('id')).toMatchObject([
      { outcome: 'scheduled', handed_off_at: expect.any(Date) },
      { outcome: 'scheduled', handed_off_at: expect.any(Date) },
    ]);
    const again = await afterRecovery.post('/api/webhooks/ghostpay/', body);
    expect([again.status, again.json.outcome]).toEqual([200, 'duplicate']);
  });
});
