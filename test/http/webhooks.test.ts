import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { transitionsForPayment } from '../../src/db/recovery-events';
import type { Gateway } from '../../src/domain/payment-event';
import {
  paymentStatusSignal,
  recoveryWorkflowId,
  stateQuery,
  type RecoveryState,
} from '../../workflows/definitions';
import { pgTestDb, type TestDb } from '../helpers/db';
import { INTAKE_TASK_QUEUE, intakeApp, serve, type TestServer } from '../helpers/http';
import { startRecoveryFixture, type RecoveryFixture } from '../helpers/recovery-worker';
import {
  ghostpay,
  MOBILE_E164,
  newPaymentId,
  tribopayFlat,
  tribopayMinimalPaid,
  tribopayPostback,
  type Sale,
} from './webhook-payloads';

// A worker runs the real workflow so the `state` query answers. Nothing here awaits a
// workflow result, so the test server never skips time and every recovery stays waiting.
let fixture: RecoveryFixture;
let env: TestWorkflowEnvironment;
let testDb: TestDb;
let server: TestServer;

beforeAll(async () => {
  fixture = await startRecoveryFixture({ taskQueue: INTAKE_TASK_QUEUE, database: pgTestDb });
  ({ env, testDb } = fixture);
  server = await serve(intakeApp({ db: testDb.db, temporal: env.client }));
}, 60_000);

afterAll(async () => {
  await server?.close();
  await fixture?.stop();
});

/** The shared-token gateways; the signing ones have their own tests. */
const PATHS = {
  tribopay: '/api/webhooks/tribopay/',
  ghostpay: '/api/webhooks/ghostpay/',
} as const;

function postWebhook(gateway: keyof typeof PATHS, body: object) {
  return server.post(PATHS[gateway], body);
}

function rows(gateway: Gateway, paymentId: string) {
  return testDb.db('webhook_events').where({ gateway, payment_id: paymentId }).orderBy('id');
}

function workflow(gateway: Gateway, paymentId: string) {
  return env.client.workflow.getHandle(recoveryWorkflowId(gateway, paymentId));
}

function state(gateway: Gateway, paymentId: string): Promise<RecoveryState> {
  return workflow(gateway, paymentId).query(stateQuery);
}

/** Polls `describe` rather than awaiting the result, which would let the server skip time. */
async function closed(gateway: Gateway, paymentId: string): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    if ((await workflow(gateway, paymentId).describe()).status.name !== 'RUNNING') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`recovery for ${gateway}:${paymentId} did not close`);
}

describe('a waiting PIX payment with a mobile phone', () => {
  type Shape = (id: string, sale?: Sale) => object;
  test.each<[Gateway, string, string, Shape]>([
    ['tribopay', 'postback', '/api/webhooks/tribopay/', tribopayPostback],
    ['tribopay', 'postback', '/api/webhooks/tribopay', tribopayPostback],
    ['tribopay', 'flat', '/api/webhooks/tribopay/', tribopayFlat],
    ['tribopay', 'flat', '/api/webhooks/tribopay', tribopayFlat],
    ['ghostpay', 'native', '/api/webhooks/ghostpay/', ghostpay],
    ['ghostpay', 'native', '/api/webhooks/ghostpay', ghostpay],
  ])(
    'from %s in its %s shape, posted to %s, is stored verbatim and schedules a waiting recovery',
    async (gateway, _shape, path, shape) => {
      const id = newPaymentId();
      // Pretty-printed, so a re-serialised body would not match what was sent.
      const sent = JSON.stringify(shape(id), null, 2);

      const reply = await server.post(path, sent);

      expect(reply.status).toBe(202);
      expect(reply.json).toEqual({
        outcome: 'scheduled',
        eventId: expect.any(Number),
        workflowId: `recovery:${gateway}:${id}`,
      });
      const [row, ...others] = await rows(gateway, id);
      expect(others).toHaveLength(0);
      expect(row).toMatchObject({
        raw_body: sent,
        payment_status: 'waiting',
        payment_method: 'pix',
        phone_e164: MOBILE_E164,
        outcome: 'scheduled',
        workflow_id: `recovery:${gateway}:${id}`,
      });
      expect(row.handed_off_at).not.toBeNull();
      expect(await state(gateway, id)).toMatchObject({
        status: 'waiting',
        lastPaymentStatus: 'waiting',
        updatesApplied: 1,
      });
    },
  );
});

describe('repeated and later webhooks for one payment', () => {
  test('an exact repeat answers 200 duplicate and adds no row and no signal', async () => {
    const id = newPaymentId();
    const first = await postWebhook('ghostpay', ghostpay(id));

    const repeat = await postWebhook('ghostpay', ghostpay(id));

    expect(repeat.status).toBe(200);
    expect(repeat.json).toMatchObject({ outcome: 'duplicate', eventId: first.json.eventId });
    expect(await rows('ghostpay', id)).toHaveLength(1);
    expect((await state('ghostpay', id)).updatesApplied).toBe(1);
  });

  test('a second, different waiting webhook for a scheduled payment is signalled to the same workflow', async () => {
    const id = newPaymentId();
    await postWebhook('tribopay', tribopayPostback(id));

    const second = await postWebhook('tribopay', tribopayPostback(id, { status: 'waiting' }));

    expect(second.status).toBe(202);
    expect(second.json).toMatchObject({
      outcome: 'signalled',
      workflowId: `recovery:tribopay:${id}`,
    });
    expect(await rows('tribopay', id)).toHaveLength(2);
    expect(await state('tribopay', id)).toMatchObject({ status: 'waiting', updatesApplied: 2 });
  });

  test('a paid webhook for a waiting payment is signalled and ends the recovery without an SMS', async () => {
    const id = newPaymentId();
    await postWebhook('ghostpay', ghostpay(id));

    const paid = await postWebhook('ghostpay', ghostpay(id, { status: 'APPROVED' }));

    expect(paid.status).toBe(202);
    expect(paid.json).toMatchObject({
      outcome: 'signalled',
      workflowId: `recovery:ghostpay:${id}`,
    });
    await closed('ghostpay', id);
    expect(await state('ghostpay', id)).toMatchObject({
      status: 'cancelled',
      lastPaymentStatus: 'paid',
      sms: null,
    });
  });

  test("TriboPay's minimal paid postback, without method or customer, is signalled and ends the recovery", async () => {
    const id = newPaymentId();
    await postWebhook('tribopay', tribopayPostback(id));

    const paid = await postWebhook('tribopay', tribopayMinimalPaid(id));

    expect(paid.status).toBe(202);
    expect(paid.json).toMatchObject({ outcome: 'signalled' });
    const stored = (await rows('tribopay', id)).at(-1);
    expect(stored).toMatchObject({
      payment_status: 'paid',
      payment_method: null,
      customer_phone: null,
      outcome: 'signalled',
    });
    await closed('tribopay', id);
    expect(await state('tribopay', id)).toMatchObject({
      status: 'cancelled',
      lastPaymentStatus: 'paid',
    });
  });

  test('a waiting webhook after a paid one is ignored: payment ended, and the closed recovery stays closed', async () => {
    const id = newPaymentId();
    expect((await postWebhook('tribopay', tribopayMinimalPaid(id))).json.outcome).toBe('signalled');
    await closed('tribopay', id);

    const late = await postWebhook('tribopay', tribopayPostback(id));

    expect(late.status).toBe(202);
    expect(late.json).toMatchObject({ outcome: 'ignored: payment ended' });
    expect((await rows('tribopay', id)).at(-1)).toMatchObject({
      payment_status: 'waiting',
      outcome: 'ignored: payment ended',
    });
    expect(await state('tribopay', id)).toMatchObject({ status: 'cancelled', updatesApplied: 1 });
  });

  test('a waiting webhook after an operator ended the recovery by hand is ignored: recovery finished', async () => {
    const id = newPaymentId();
    await postWebhook('ghostpay', ghostpay(id));
    // What `temporal workflow signal --name paymentStatus --input '{"status":"paid"}'` sends.
    await workflow('ghostpay', id).signal(paymentStatusSignal, { status: 'paid' });
    await closed('ghostpay', id);

    const late = await postWebhook('ghostpay', ghostpay(id, { status: 'IN_REVIEW' }));

    expect(late.status).toBe(202);
    expect(late.json).toMatchObject({ outcome: 'ignored: recovery finished' });
    expect((await rows('ghostpay', id)).at(-1)).toMatchObject({
      raw_status: 'IN_REVIEW',
      outcome: 'ignored: recovery finished',
    });
    expect(await state('ghostpay', id)).toMatchObject({ status: 'cancelled', updatesApplied: 2 });
  });

  test('a waiting webhook for a recovery an operator terminated is recorded as ignored: recovery finished once Temporal refuses it, every later one is answered so at once, and no new run starts', async () => {
    const id = newPaymentId();
    await postWebhook('tribopay', tribopayFlat(id));
    const { runId } = await workflow('tribopay', id).describe();
    // Terminated: closed in Temporal, yet no final transition in the audit trail.
    await workflow('tribopay', id).terminate('operator');

    const late = await postWebhook('tribopay', tribopayFlat(id, { status: 'waiting' }));

    // The database can't know the workflow is closed: the answer says the webhook is on
    // its way, and Temporal's refusal is recorded on the event when the relay hands it off.
    expect(late.status).toBe(202);
    expect(late.json).toMatchObject({
      outcome: 'signalled',
      workflowId: `recovery:tribopay:${id}`,
    });
    expect((await rows('tribopay', id)).at(-1)).toMatchObject({
      outcome: 'ignored: recovery finished',
      handed_off_at: expect.any(Date),
    });
    expect(await testDb.db('outbox').where({ payment_id: id })).toEqual([]);
    // The refusal wrote the recovery's final row for it: closed by hand is closed.
    expect((await transitionsForPayment(testDb.db, 'tribopay', id)).at(-1)).toMatchObject({
      transition: 'closed_by_hand',
      detail: { executionStatus: 'terminated', closedAt: expect.any(String) },
    });

    const again = await postWebhook('tribopay', tribopayFlat(id, { name: 'Maria S.' }));
    expect(again.json).toMatchObject({ outcome: 'ignored: recovery finished' });
    expect(await testDb.db('outbox').where({ payment_id: id })).toEqual([]);
    const latest = await workflow('tribopay', id).describe();
    expect(latest).toMatchObject({ runId, status: { name: 'TERMINATED' } });
  });

  test('twenty identical webhooks posted at once leave one row, one workflow and only 2xx answers', async () => {
    const id = newPaymentId();
    const body = JSON.stringify(ghostpay(id));

    const replies = await Promise.all(
      Array.from({ length: 20 }, () => server.post('/api/webhooks/ghostpay/', body)),
    );

    for (const reply of replies) {
      expect([200, 202]).toContain(reply.status);
      expect(['scheduled', 'duplicate']).toContain(reply.json.outcome);
    }
    expect(await rows('ghostpay', id)).toHaveLength(1);
    expect(await state('ghostpay', id)).toMatchObject({ status: 'waiting', updatesApplied: 1 });
  });
});
