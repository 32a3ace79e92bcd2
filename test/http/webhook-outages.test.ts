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
import { intakeApp, serve, type Reply, type TestServer } from '../helpers/http';
import { freePort } from '../helpers/ports';
import { createTimeSkippingEnv, testDataConverter } from '../helpers/temporal';
import { ghostpay, newPaymentId, tribopayPostback } from './deliveries';

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
function expectUnavailable(reply: Reply, part: 'database' | 'temporal', internals: string[]): void {
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
  test('a delivery after the connection pool was destroyed is answered 503 without internals', async () => {
    const testDb = await freshDb();
    const server = await intake({ db: testDb.db, temporal: env.client });
    await testDb.db.destroy();

    const reply = await server.post('/api/webhooks/ghostpay/', ghostpay(newPaymentId()));

    expectUnavailable(reply, 'database', [testDb.url]);
  });

  test('a delivery to a database that was dropped is answered 503 without internals', async () => {
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
  test('a delivery is stored, answered 503, and handed off when the gateway retries after Temporal is back', async () => {
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
    const whileDown = await intake({ db: testDb.db, temporal: unreachable });
    const afterRecovery = await intake({ db: testDb.db, temporal: env.client });
    const id = newPaymentId();
    const body = JSON.stringify(ghostpay(id));

    const first = await whileDown.post('/api/webhooks/ghostpay/', body);

    expectUnavailable(first, 'temporal', [deadAddress]);
    expect(await testDb.db('webhook_events').where({ payment_id: id })).toMatchObject([
      { raw_body: body, outcome: null, handed_off_at: null },
    ]);

    const retry = await afterRecovery.post('/api/webhooks/ghostpay/', body);

    expect(retry.status).toBe(202);
    expect(retry.json).toMatchObject({
      outcome: 'scheduled',
      workflowId: `recovery:ghostpay:${id}`,
    });
    const described = await env.client.workflow.getHandle(`recovery:ghostpay:${id}`).describe();
    expect(described.status.name).toBe('RUNNING');

    const again = await afterRecovery.post('/api/webhooks/ghostpay/', body);

    expect(again.status).toBe(200);
    expect(again.json.outcome).toBe('duplicate');
    expect(await testDb.db('webhook_events').where({ payment_id: id })).toMatchObject([
      { outcome: 'scheduled' },
    ]);
  });
});
