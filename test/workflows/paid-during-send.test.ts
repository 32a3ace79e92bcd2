/**
 * A terminal status that arrives while the SMS activity is scheduled, retrying or backing
 * off stops it; one that arrives while Twilio is answering may let that one message
 * through, but never makes the recovery `recovered`. Time-skipping server, real API,
 * real PostgreSQL, the emulator behind the real twilio client: its message log is the
 * witness of what was sent.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { finalStatusCounts, transitionsForPayment } from '../../src/db/recovery-events';
import { smsForPayment } from '../../src/db/sms-messages';
import {
  paymentStatusSignal,
  recoveryWorkflowId,
  type RecoveryState,
} from '../../workflows/definitions';
import {
  DELAY_MS,
  startRecoveryStack,
  type RecoveryStack,
  WEBHOOK_SECRET,
} from '../sms-status/recovery-stack';
import { newPaymentId, tribopayPostback } from '../http/webhook-payloads';
import { eventually } from '../helpers/processes';

let stack: RecoveryStack;
let phoneSeq = 0;

beforeAll(async () => {
  stack = await startRecoveryStack('paid-during-send');
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

beforeEach(() => stack.emulator.reset());

/** A fresh number per test, so each reads only its own messages. */
function newPhone(): { e164: string; national: string } {
  phoneSeq += 1;
  const national = `2198${String(7000000 + phoneSeq * 13 + (process.pid % 997)).padStart(7, '0')}`;
  return { e164: `+55${national}`, national };
}

async function postTribopay(paymentId: string, status: string, phone: string): Promise<void> {
  const res = await fetch(`${stack.apiUrl}/api/webhooks/tribopay/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Webhook-Token': WEBHOOK_SECRET },
    body: JSON.stringify(tribopayPostback(paymentId, { status, phone })),
  });
  expect(res.status).toBe(202);
  await stack.handedOff();
}

function handleOf(paymentId: string): WorkflowHandle<() => Promise<RecoveryState>> {
  return stack.env.client.workflow.getHandle(recoveryWorkflowId('tribopay', paymentId));
}

const sentTo = (e164: string) => stack.emulator.messages().filter((m) => m.to === e164);

/** Moves the server's clock past the due time until the SMS activity has failed `attempts` times. */
async function untilRetrying(handle: WorkflowHandle, attempts: number): Promise<void> {
  await stack.env.sleep(DELAY_MS);
  await eventually(
    async () => {
      const { raw } = await handle.describe();
      const pending = raw.pendingActivities?.[0];
      if ((pending?.attempt ?? 0) >= attempts) return true;
      await stack.env.sleep(5_000);
      return false;
    },
    30_000,
    `attempt ${attempts} of the SMS activity`,
  );
}

/**
 * The step's row, whichever side stopped the send (the activity before its call, or the
 * server cancelling it during its backoff), says that no SMS went out: never `pending`.
 */
async function expectSettledUnsent(paymentId: string): Promise<void> {
  const rows = await smsForPayment(stack.testDb.db, 'tribopay', paymentId);
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ status: 'cancelled', twilioSid: null });
  expect(rows[0].errorMessage).toMatch(/^stopped before sending/);
}

async function transitionsOf(paymentId: string) {
  return transitionsForPayment(stack.testDb.db, 'tribopay', paymentId);
}

describe('a terminal status while the SMS is being retried', () => {
  test('a paid status signalled by hand (as the temporal CLI does) during a 503 retry loop means no SMS, ever', async () => {
    const phone = newPhone();
    const id = newPaymentId('retry-cli');
    stack.emulator.failForNumber(phone.e164, { kind: 'error', httpStatus: 503, code: 20503 });
    await postTribopay(id, 'waiting_payment', phone.national);
    const handle = handleOf(id);
    await untilRetrying(handle, 3);

    await handle.signal(paymentStatusSignal, { status: 'paid' });
    stack.emulator.reset(); // Twilio recovers: a send still scheduled would now go out
    const final = await handle.result();

    expect(final).toMatchObject({ status: 'cancelled', lastPaymentStatus: 'paid' });
    const transitions = await transitionsOf(id);
    expect(transitions.map((t) => t.transition)).toEqual(['waiting', 'sending', 'cancelled']);
    expect(transitions.at(-1)!.detail).toMatchObject({ paymentStatus: 'paid' });
    await stack.env.sleep(2 * 3_600_000);
    expect(sentTo(phone.e164)).toHaveLength(0);
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    await expectSettledUnsent(id);
  });

  test('while Twilio answers 503, the state and the Web UI current details name the attempt and Twilio code, masked', async () => {
    const phone = newPhone();
    const id = newPaymentId('retry-details');
    stack.emulator.failForNumber(phone.e164, {
      kind: 'error',
      httpStatus: 503,
      code: 20503,
      message: `Service unavailable for ${phone.e164}`,
    });
    await postTribopay(id, 'waiting_payment', phone.national);
    const handle = handleOf(id);
    await untilRetrying(handle, 3);

    const state = await eventually(
      async () => {
        // A cold first call can outlast the Twilio timeout and be left in doubt
        // (SmsOutcomeSettling) until it settles; the 503 reports come after it.
        const s = await handle.query<RecoveryState>('state');
        const { attempt = 0, errorType } = s.failedAttempt ?? {};
        if (attempt >= 2 && errorType === 'TwilioTransientError') return s;
        await stack.env.sleep(5_000);
        return null;
      },
      20_000,
      'the failed attempts in the state',
    );
    expect(state).toMatchObject({
      status: 'sending',
      failedAttempt: {
        step: 1,
        errorType: 'TwilioTransientError',
        errorCode: 20503,
        httpStatus: 503,
      },
    });
    const { currentDetails } = await handle.query<{ currentDetails: string }>(
      '__temporal_workflow_metadata',
    );
    expect(currentDetails).toMatch(
      /^step 1: sending, attempt \d+: Twilio 503 20503 \(Service unavailable for \+55 21 9\*+-\d{4}\); retrying with backoff$/,
    );
    expect(currentDetails).not.toContain(phone.national);

    await handle.signal(paymentStatusSignal, { status: 'paid' });
    expect((await handle.result()).failedAttempt).toBeNull();
  });

  test('a paid webhook during the retries means no SMS, ever', async () => {
    const phone = newPhone();
    const id = newPaymentId('retry-hook');
    stack.emulator.failForNumber(phone.e164, { kind: 'error', httpStatus: 503, code: 20503 });
    await postTribopay(id, 'waiting_payment', phone.national);
    const handle = handleOf(id);
    await untilRetrying(handle, 2);

    await postTribopay(id, 'paid', phone.national);
    stack.emulator.reset();
    const final = await handle.result();

    expect(final.status).toBe('cancelled');
    expect((await transitionsOf(id)).at(-1)).toMatchObject({
      transition: 'cancelled',
      detail: expect.objectContaining({ paymentStatus: 'paid' }),
    });
    await stack.env.sleep(2 * 3_600_000);
    expect(sentTo(phone.e164)).toHaveLength(0);
    await expectSettledUnsent(id);
  });

  test('a paid webhook while Twilio is still answering lets at most that SMS out, and the recovery is not recovered', async () => {
    const phone = newPhone();
    const id = newPaymentId('in-flight');
    stack.emulator.failNext({ kind: 'delay', ms: 3_000 });
    await postTribopay(id, 'waiting_payment', phone.national);
    const handle = handleOf(id);
    // Not awaited: the due time may already have passed on the server's clock (earlier
    // tests skipped it ahead), and the paid status must come while the call hangs.
    const skipping = stack.env.sleep(DELAY_MS);
    // The emulator logs a message on arrival and answers 3 s later: the call is in flight.
    await eventually(() => sentTo(phone.e164).length === 1, 20_000, 'the call to reach Twilio');

    await postTribopay(id, 'paid', phone.national);
    await skipping;
    const final = await handle.result();

    expect(sentTo(phone.e164)).toHaveLength(1);
    expect(final.status).toBe('cancelled');
    const transitions = await transitionsOf(id);
    expect(transitions.map((t) => t.transition)).toEqual([
      'waiting',
      'sending',
      'sms_sent',
      'cancelled',
    ]);
    expect(transitions.at(-1)!.detail).toMatchObject({ reason: 'paid_before_sms' });
    const [row] = await smsForPayment(stack.testDb.db, 'tribopay', id);
    expect(row.twilioSid).toBe(sentTo(phone.e164)[0].sid);
  });

  test('a paid webhook while Twilio is answering with a refusal for good (21211) ends the recovery paid, the refusal kept for audit', async () => {
    const phone = newPhone();
    const id = newPaymentId('in-flight-refused');
    stack.emulator.failNext({
      kind: 'error',
      httpStatus: 400,
      code: 21211,
      message: 'The To number is not a valid phone number.',
      ms: 3_000,
    });
    const countsBefore = await finalStatusCounts(stack.testDb.db);
    await postTribopay(id, 'waiting_payment', phone.national);
    const handle = handleOf(id);
    const skipping = stack.env.sleep(DELAY_MS);
    // The attempt is counted right before the Twilio call, which the emulator holds 3 s.
    await eventually(
      async () => (await smsForPayment(stack.testDb.db, 'tribopay', id))[0]?.attempts === 1,
      20_000,
      'the call to reach Twilio',
    );

    await postTribopay(id, 'paid', phone.national);
    await skipping;
    const final = await handle.result();

    expect(sentTo(phone.e164)).toHaveLength(0);
    expect(final).toMatchObject({
      status: 'cancelled',
      lastPaymentStatus: 'paid',
      smsSent: 0,
      sms: { status: 'failed', step: 1, errorCode: 21211 },
    });
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    const transitions = await transitionsOf(id);
    expect(transitions.map((t) => t.transition)).toEqual(['waiting', 'sending', 'cancelled']);
    expect(transitions.at(-1)!.detail).toMatchObject({
      reason: 'payment_status',
      paymentStatus: 'paid',
      smsFailure: { step: 1, errorCode: 21211 },
    });
    const rows = await smsForPayment(stack.testDb.db, 'tribopay', id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'failed', errorCode: 21211, twilioSid: null });
    // What the recoveries metric counts: one more cancelled, no more sms_failed.
    const counts = await finalStatusCounts(stack.testDb.db);
    expect(counts.get('cancelled') ?? 0).toBe((countsBefore.get('cancelled') ?? 0) + 1);
    expect(counts.get('sms_failed') ?? 0).toBe(countsBefore.get('sms_failed') ?? 0);
  });
});
