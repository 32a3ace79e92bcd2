import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Gateway } from '../../src/domain/payment-event';
import { recoveryWorkflowId } from '../../workflows/definitions';
import { pgTestDb, type TestDb } from '../helpers/db';
import { intakeApp, serve, type TestServer } from '../helpers/http';
import { createTimeSkippingEnv } from '../helpers/temporal';
import { ghostpay, newPaymentId, tribopayPostback } from './webhook-payloads';

// These webhooks never reach Temporal; the server is here to show no workflow appears.
let env: TestWorkflowEnvironment;
let testDb: TestDb;
let server: TestServer;

beforeAll(async () => {
  [env, testDb] = await Promise.all([createTimeSkippingEnv(), pgTestDb()]);
  server = await serve(intakeApp({ db: testDb.db, temporal: env.client }));
}, 60_000);

afterAll(async () => {
  await server?.close();
  await Promise.all([env?.teardown(), testDb?.drop()]);
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

async function workflowExists(gateway: Gateway, paymentId: string): Promise<boolean> {
  try {
    await env.client.workflow.getHandle(recoveryWorkflowId(gateway, paymentId)).describe();
    return true;
  } catch (err) {
    if ((err as Error).name === 'WorkflowNotFoundError') return false;
    throw err;
  }
}

describe('webhooks that are recorded but never messaged', () => {
  test.each<[keyof typeof PATHS, (id: string) => object]>([
    ['tribopay', (id) => tribopayPostback(id, { method: 'credit_card' })],
    ['ghostpay', (id) => ghostpay(id, { method: 'CREDIT_CARD' })],
  ])(
    'a %s card payment is ignored: not pix and starts no workflow',
    async (gateway, cardPayment) => {
      const id = newPaymentId('card');

      const reply = await postWebhook(gateway, cardPayment(id));

      expect(reply.status).toBe(202);
      expect(reply.json).toMatchObject({ outcome: 'ignored: not pix' });
      expect(await rows(gateway, id)).toMatchObject([
        { payment_method: 'credit_card', outcome: 'ignored: not pix', workflow_id: null },
      ]);
      expect(await workflowExists(gateway, id)).toBe(false);
    },
  );

  test.each([
    ['a landline', '(11) 3333-4444', 'not_mobile'],
    ['text instead of a number', 'call me later', 'unparseable'],
    ['too few digits', '123', 'invalid'],
    ['no phone at all', '', 'missing'],
  ])(
    'a waiting PIX payment with %s is ignored: invalid phone, with the reason stored',
    async (_what, phone, reason) => {
      const id = newPaymentId('phone');

      const reply = await postWebhook('ghostpay', ghostpay(id, { phone }));

      expect(reply.status).toBe(202);
      expect(reply.json).toMatchObject({ outcome: 'ignored: invalid phone', reason });
      expect(await rows('ghostpay', id)).toMatchObject([
        { phone_e164: null, phone_error: reason, outcome: 'ignored: invalid phone' },
      ]);
      expect(await workflowExists('ghostpay', id)).toBe(false);
    },
  );

  test("a status that neither waits nor ends the sale (TriboPay's antifraud) is ignored: status not actionable", async () => {
    const id = newPaymentId();

    const reply = await postWebhook('tribopay', tribopayPostback(id, { status: 'antifraud' }));

    expect(reply.status).toBe(202);
    expect(reply.json).toMatchObject({
      outcome: 'ignored: status not actionable',
      reason: 'antifraud',
    });
    expect(await rows('tribopay', id)).toMatchObject([
      { payment_status: 'other', raw_status: 'antifraud' },
    ]);
    expect(await workflowExists('tribopay', id)).toBe(false);
  });
});
