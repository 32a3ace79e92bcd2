import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { smsForPayment } from '../../src/db/sms-messages';
import { loadPaymentView } from '../../src/monitoring/payment-view';
import { paymentViewSchema } from '../../src/monitoring/shapes';
import { createRecoveryClient } from '../../src/temporal/recovery-client';
import type { TwilioEmulator } from '../../src/twilio-emulator';
import { pgTestDb, type TestDb } from '../helpers/db';
import { serve, type TestServer } from '../helpers/http';
import { freePort } from '../helpers/ports';
import { testDataConverter } from '../helpers/temporal';
import { eventually } from '../helpers/processes';
import { startRecoveryFixture, type RecoveryFixture } from '../helpers/recovery-worker';
import { ghostpay, MOBILE_E164, newPaymentId } from '../http/webhook-payloads';
import { call, MONITORING_TASK_QUEUE, monitoringApp, RECOVERY_DELAY_MS } from './app';

// A worker runs the real workflow on MONITORING_TASK_QUEUE, so the `state` query answers.
let fixture: RecoveryFixture;
let env: TestWorkflowEnvironment;
let testDb: TestDb;
let emulator: TwilioEmulator;
let server: TestServer;
const servers: TestServer[] = [];

beforeAll(async () => {
  fixture = await startRecoveryFixture({ taskQueue: MONITORING_TASK_QUEUE, database: pgTestDb });
  ({ env, testDb, emulator } = fixture);
  server = await serve(monitoringApp({ db: testDb.db, temporal: env.client }));
}, 60_000);

afterAll(async () => {
  await Promise.all([server?.close(), ...servers.map((s) => s.close())]);
  await fixture?.stop();
});

/** A waiting PIX payment, without a creation time so the delay runs from its receipt. */
async function waitingPayment(target: TestServer): Promise<string> {
  const paymentId = newPaymentId('view');
  const reply = await call(target.url, '/api/webhooks/ghostpay/', {
    token: null,
    body: { ...ghostpay(paymentId), createdAt: undefined },
  });
  expect(reply.json).toMatchObject({ outcome: 'scheduled' });
  return paymentId;
}

describe("one payment's recovery", () => {
  test('after its SMS went out, shows the live state, its events, transitions and SMS in full, and the Web UI link', async () => {
    const paymentId = await waitingPayment(server);
    await env.sleep(RECOVERY_DELAY_MS + 60_000);
    await eventually(() => emulator.messages().length > 0, 20_000, 'the recovery SMS');
    await eventually(
      () =>
        testDb
          .db('recovery_events')
          .where({ payment_id: paymentId, transition: 'sms_sent' })
          .first(),
      20_000,
      'the sms_sent transition',
    );

    const reply = await call(server.url, `/api/webhooks/payments/ghostpay/${paymentId}/`);

    expect(reply.status).toBe(200);
    const view = paymentViewSchema.parse(reply.json);
    const workflowId = `recovery:ghostpay:${paymentId}`;
    expect(view).toMatchObject({
      gateway: 'ghostpay',
      paymentId,
      workflowId,
      workflow: { state: { status: 'sms_sent', sms: { status: 'sent' } }, reason: null },
      links: {
        temporalUi: `http://temporal-ui.test:8080/namespaces/default/workflows/${encodeURIComponent(workflowId)}`,
      },
      events: [{ paymentStatus: 'waiting', phone: MOBILE_E164, outcome: 'scheduled' }],
      sms: [{ to: MOBILE_E164, twilioSid: emulator.messages()[0].sid }],
    });
    expect(view.transitions.map((t) => t.transition)).toEqual(['waiting', 'sending', 'sms_sent']);
  });

  test('a recovery terminated by hand is shown as terminated with its closed_by_hand row, and a later waiting webhook is answered recovery finished at once', async () => {
    const paymentId = await waitingPayment(server);
    const workflowId = `recovery:ghostpay:${paymentId}`;
    const handle = env.client.workflow.getHandle(workflowId);
    // The webhook is answered once stored; the relay starts the workflow a moment later.
    await eventually(
      () => handle.describe().then(Boolean, () => false),
      10_000,
      'the recovery started',
    );
    await handle.terminate('operator: customer asked');
    const { runId } = await handle.describe();

    const reply = await call(server.url, `/api/webhooks/payments/ghostpay/${paymentId}/`);

    const view = paymentViewSchema.parse(reply.json);
    expect(view.workflow.execution).toMatchObject({ status: 'terminated', closedByHand: true });
    expect(Date.parse(view.workflow.execution!.closedAt!)).toBeGreaterThan(0);
    expect(view.workflow.execution!.runId).toBe(runId);
    // The workflow's own status is where it stopped; the execution says it is over, and
    // the view wrote the final row the workflow could not.
    expect(view.workflow.state).toMatchObject({ status: 'waiting' });
    expect(view.transitions.at(-1)).toMatchObject({
      transition: 'closed_by_hand',
      detail: { executionStatus: 'terminated', closedAt: view.workflow.execution!.closedAt },
    });
    const late = await call(server.url, '/api/webhooks/ghostpay/', {
      token: null,
      // Another webhook of the same waiting status (a gateway's repeat notification).
      body: { ...ghostpay(paymentId), createdAt: undefined, netValue: 4701 },
    });
    expect(late.json).toMatchObject({ outcome: 'ignored: recovery finished' });
    expect(await smsForPayment(testDb.db, 'ghostpay', paymentId)).toHaveLength(0);
    expect(await handle.describe()).toMatchObject({ runId, status: { name: 'TERMINATED' } });
  });

  test('a workflow no worker answers for is shown with state null and reason temporal_timeout, not an error', async () => {
    const unpolled = await serve(
      monitoringApp({
        db: testDb.db,
        temporal: env.client,
        stateTimeoutMs: 300,
        recoveries: createRecoveryClient(env.client, {
          taskQueue: 'nobody-polls-this',
          delayMs: RECOVERY_DELAY_MS,
          attributionWindowMs: 3_600_000,
        }),
      }),
    );
    servers.push(unpolled);
    const paymentId = await waitingPayment(unpolled);

    const reply = await call(unpolled.url, `/api/webhooks/payments/ghostpay/${paymentId}`);

    expect(reply.status).toBe(200);
    expect(paymentViewSchema.parse(reply.json)).toMatchObject({
      workflow: { state: null, reason: 'temporal_timeout' },
      events: [{ paymentId, outcome: 'scheduled' }],
    });
  });

  test('when Temporal cannot be reached the view still answers within its deadline, with reason temporal_timeout', async () => {
    const paymentId = await waitingPayment(server);
    // Nothing listens there; the client retries until the query's deadline.
    const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
    const recoveries = createRecoveryClient(
      new Client({ connection, dataConverter: testDataConverter }),
      {
        taskQueue: MONITORING_TASK_QUEUE,
        delayMs: 1,
        attributionWindowMs: 1,
      },
    );
    const unreachable = await serve(
      monitoringApp({ db: testDb.db, temporal: env.client, recoveries, stateTimeoutMs: 500 }),
    );
    servers.push(unreachable);

    const reply = await call(unreachable.url, `/api/webhooks/payments/ghostpay/${paymentId}/`);
    await connection.close();

    expect(reply.status).toBe(200);
    expect(paymentViewSchema.parse(reply.json)).toMatchObject({
      workflow: { state: null, reason: 'temporal_timeout' },
      events: [{ paymentId }],
    });
  });

  test('loadPaymentView returns plain JSON, the same the endpoint serves', async () => {
    // A card payment starts no workflow, so nothing changes between the two reads.
    const paymentId = newPaymentId('card');
    await call(server.url, '/api/webhooks/ghostpay/', {
      token: null,
      body: ghostpay(paymentId, { method: 'CREDIT_CARD' }),
    });
    const deps = {
      db: testDb.db,
      recoveries: createRecoveryClient(env.client, {
        taskQueue: MONITORING_TASK_QUEUE,
        delayMs: 1,
        attributionWindowMs: 1,
      }),
      temporalUiUrl: 'http://temporal-ui.test:8080/',
      namespace: 'default',
    };

    const view = await loadPaymentView(deps, 'ghostpay', paymentId);
    const served = await call(server.url, `/api/webhooks/payments/ghostpay/${paymentId}/`);

    expect(JSON.parse(JSON.stringify(view))).toEqual(view);
    expect(view).toMatchObject({
      workflow: { state: null, reason: 'workflow_not_found' },
      events: [{ outcome: 'ignored: not pix' }],
    });
    expect(served.json).toEqual(view);
  });

  test('a payment never heard of is 404; a gateway we do not know is 400 naming it', async () => {
    const unknown = await call(
      server.url,
      `/api/webhooks/payments/tribopay/${encodeURIComponent('no such/payment')}/`,
    );
    const badGateway = await call(server.url, '/api/webhooks/payments/paypal/123/');

    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toMatchObject({
      status: 404,
      message: 'no payment no such/payment from tribopay',
    });
    expect(badGateway.status).toBe(400);
    expect(badGateway.json.error.issues).toEqual([expect.objectContaining({ path: 'gateway' })]);
  });
});
