/**
 * Every way a recovery ends, with the status and the reason its final audit row gives:
 * operators read these rows to learn why a customer did or didn't get an SMS.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { transitionsForPayment } from '../../src/db/recovery-events';
import { suppress } from '../../src/db/suppressions';
import { insertWebhookEvent } from '../../src/db/webhook-events';
import type { RecoveryClient } from '../../src/temporal/recovery-client';
import type { TwilioEmulator } from '../../src/twilio-emulator';
import { stateQuery, recoveryWorkflowId, type PaymentUpdate } from '../../workflows/definitions';
import type { RecoveryStatus } from '../../src/domain/recovery-status';
import { sqliteTestDb, type TestDb } from '../helpers/db';
import { startRecoveryFixture, type RecoveryFixture } from '../helpers/recovery-worker';

const DELAY_MS = 10 * 60_000;
const WINDOW_MS = 24 * 3_600_000;
const TASK_QUEUE = 'recovery-endings-test';

let fixture: RecoveryFixture;
let env: TestWorkflowEnvironment;
let emulator: TwilioEmulator;
let testDb: TestDb;
let recoveries: RecoveryClient;
let seq = 0;

beforeAll(async () => {
  fixture = await startRecoveryFixture({ taskQueue: TASK_QUEUE, database: sqliteTestDb });
  ({ env, testDb, emulator } = fixture);
  recoveries = fixture.recoveries({ attributionWindowMs: WINDOW_MS });
}, 120_000);

afterAll(async () => {
  await fixture?.stop();
});

interface Payment {
  id: string;
  phone: string;
  signal(update: Partial<PaymentUpdate> & Pick<PaymentUpdate, 'status'>): Promise<void>;
}

function newPayment(): Payment {
  seq += 1;
  const id = `pay-ending-${Date.now()}-${seq}`;
  const phone = `+55119876${String(seq).padStart(5, '0')}`;
  return {
    id,
    phone,
    async signal(update) {
      await recoveries.signal('tribopay', id, { method: 'pix', ...update });
    },
  };
}

const waiting = (p: Payment) => p.signal({ status: 'waiting', phoneE164: p.phone });
/** Past the due time: the SMS has gone out. */
const afterSms = () => env.sleep(DELAY_MS + 60_000);

interface Ending {
  story: string;
  play(p: Payment): Promise<void>;
  status: RecoveryStatus;
  detail: Record<string, unknown>;
}

const ENDINGS: Ending[] = [
  {
    story: 'paid before any waiting status',
    play: (p) => p.signal({ status: 'paid' }),
    status: 'cancelled',
    detail: { reason: 'payment_status', paymentStatus: 'paid' },
  },
  {
    story: 'waiting without a phone number',
    play: (p) => p.signal({ status: 'waiting', phoneE164: null }),
    status: 'cancelled',
    detail: { reason: 'no_valid_phone' },
  },
  {
    story: 'a first status that is neither waiting nor final',
    play: (p) => p.signal({ status: 'other', rawStatus: 'processing' }),
    status: 'cancelled',
    detail: { reason: 'not_waiting', paymentStatus: 'other' },
  },
  {
    story: 'paid during the wait',
    play: async (p) => {
      await waiting(p);
      await env.sleep(DELAY_MS / 2);
      await p.signal({ status: 'paid' });
    },
    status: 'cancelled',
    detail: { reason: 'payment_status', paymentStatus: 'paid' },
  },
  {
    story: 'refused during the wait',
    play: async (p) => {
      await waiting(p);
      await env.sleep(DELAY_MS / 2);
      await p.signal({ status: 'refused' });
    },
    status: 'cancelled',
    detail: { reason: 'payment_status', paymentStatus: 'refused' },
  },
  {
    story: 'a paid stored whose signal had not reached the workflow when the SMS fell due',
    play: async (p) => {
      await waiting(p);
      await insertWebhookEvent(testDb.db, storedPaid(p.id));
    },
    status: 'cancelled',
    detail: { reason: 'payment_ended', step: 1 },
  },
  {
    story: 'the number opted out before the SMS was due',
    play: async (p) => {
      await suppress(testDb.db, p.phone, 'manual');
      await waiting(p);
    },
    status: 'skipped',
    detail: { reason: 'suppressed', step: 1 },
  },
  {
    story: 'Twilio refuses the number for good',
    play: async (p) => {
      emulator.failForNumber(p.phone, { kind: 'error', httpStatus: 400, code: 21614 });
      await waiting(p);
    },
    status: 'sms_failed',
    detail: { errorCode: 21614, step: 1 },
  },
  {
    story: 'paid after the SMS, inside the attribution window',
    play: async (p) => {
      await waiting(p);
      await afterSms();
      await p.signal({ status: 'paid' });
    },
    status: 'recovered',
    detail: { msFromSmsToPaid: expect.any(Number) },
  },
  {
    story: 'still waiting when the attribution window elapses after the SMS',
    play: waiting,
    status: 'not_recovered',
    detail: { reason: 'attribution_window_elapsed', paymentStatus: 'waiting' },
  },
  {
    story: 'cancelled by the gateway after the SMS',
    play: async (p) => {
      await waiting(p);
      await afterSms();
      await p.signal({ status: 'cancelled' });
    },
    status: 'not_recovered',
    detail: { reason: 'payment_status', paymentStatus: 'cancelled' },
  },
];

/** A paid webhook as the intake stores it, without the signal that would follow. */
function storedPaid(paymentId: string): Parameters<typeof insertWebhookEvent>[1] {
  return {
    event: {
      gateway: 'tribopay',
      paymentId,
      method: 'pix',
      rawMethod: 'pix',
      status: 'paid',
      rawStatus: 'paid',
      amountCentavos: 4990,
      customer: { name: null, email: null, phone: null },
      checkoutUrl: null,
      pixCode: null,
      createdAt: null,
      updatedAt: null,
      paidAt: null,
    },
    phoneE164: null,
    phoneError: null,
    rawBody: JSON.stringify({ status: 'paid', transaction: { id: paymentId } }),
    contentType: 'application/json',
    dedupKey: `paid-${paymentId}`,
    receivedAt: new Date(),
  };
}

test.each(ENDINGS)('$story: ends $status with its reason', async ({ play, status, detail }) => {
  const payment = newPayment();
  await play(payment);

  const handle = env.client.workflow.getHandle(recoveryWorkflowId('tribopay', payment.id));
  // An SMS that failed for good fails the workflow; its state query still answers.
  await handle.result().catch(() => undefined);
  const final = await handle.query(stateQuery);

  expect(final.status).toBe(status);
  expect((await handle.describe()).status.name).toBe(
    status === 'sms_failed' ? 'FAILED' : 'COMPLETED',
  );
  const audit = await transitionsForPayment(testDb.db, 'tribopay', payment.id);
  expect(audit.at(-1)).toMatchObject({
    transition: status,
    detail: expect.objectContaining(detail),
  });
});
