import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { transitionsForPayment } from '../../src/db/recovery-events';
import { smsForPayment } from '../../src/db/sms-messages';
import type { RecoveryClient } from '../../src/temporal/recovery-client';
import type { TwilioEmulator } from '../../src/twilio-emulator';
import {
  recoveryWorkflowId,
  type PaymentUpdate,
  type RecoveryState,
} from '../../workflows/definitions';
import { sqliteTestDb, type TestDb } from '../helpers/db';
import { startRecoveryFixture, type RecoveryFixture } from '../helpers/recovery-worker';

const DELAY_MS = 10 * 60_000;
const TASK_QUEUE = 'recovery-workflow-test';
const PHONE = '+5511987654321';

let fixture: RecoveryFixture;
let env: TestWorkflowEnvironment;
let emulator: TwilioEmulator;
let testDb: TestDb;
let recoveries: RecoveryClient;
let seq = 0;

beforeAll(async () => {
  fixture = await startRecoveryFixture({ taskQueue: TASK_QUEUE, database: sqliteTestDb });
  ({ env, testDb, emulator } = fixture);
  recoveries = fixture.recoveries();
}, 120_000);

afterAll(async () => {
  await fixture?.stop();
});

beforeEach(() => emulator.reset());

function newPaymentId(): string {
  seq += 1;
  return `pay-${Date.now()}-${seq}`;
}

function waiting(extra: Partial<PaymentUpdate> = {}): PaymentUpdate {
  return {
    status: 'waiting',
    method: 'pix',
    phoneE164: PHONE,
    customerName: 'Maria Silva',
    amountCentavos: 4990,
    ...extra,
  };
}

const paid: PaymentUpdate = { status: 'paid', method: 'pix' };

function result(paymentId: string): Promise<RecoveryState> {
  return env.client.workflow.getHandle(recoveryWorkflowId('tribopay', paymentId)).result();
}

const iso = (ms: number) => new Date(ms).toISOString();

function messagesTo(phone = PHONE) {
  return emulator.messages().filter((m) => m.to === phone);
}

describe('the recovery workflow under time skipping', () => {
  test('a paid status that arrives before the delay ends cancels the SMS', async () => {
    const id = newPaymentId();
    await recoveries.signal('tribopay', id, waiting());
    await env.sleep(DELAY_MS / 2);
    await recoveries.signal('tribopay', id, paid);
    const final = await result(id);
    expect(final.status).toBe('cancelled');
    expect(final.sms).toBeNull();
    expect(messagesTo()).toHaveLength(0);
  });

  test('a paid status one second before the delay ends still cancels the SMS', async () => {
    const id = newPaymentId();
    await recoveries.signal('tribopay', id, waiting());
    await env.sleep(DELAY_MS - 1_000);
    await recoveries.signal('tribopay', id, paid);
    expect((await result(id)).status).toBe('cancelled');
    expect(messagesTo()).toHaveLength(0);
  });

  test('a payment that stays waiting gets one SMS exactly when the delay ends', async () => {
    const id = newPaymentId();
    await recoveries.signal('tribopay', id, waiting());
    const final = await result(id);
    expect(final.sms?.status).toBe('sent');
    expect(final.status).toBe('not_recovered');
    const sent = messagesTo();
    expect(sent).toHaveLength(1);
    expect(sent[0].body).toContain('Maria');
    expect(sent[0].body).toContain('R$ 49,90');
    const transitions = await transitionsForPayment(testDb.db, 'tribopay', id);
    const waitingAt = transitions.find((t) => t.transition === 'waiting')!.occurredAt.getTime();
    const sendingAt = transitions.find((t) => t.transition === 'sending')!.occurredAt.getTime();
    expect(sendingAt - waitingAt).toBeGreaterThanOrEqual(DELAY_MS);
    expect(sendingAt - waitingAt).toBeLessThan(DELAY_MS + 1_000);
  });

  test('a payment paid after the SMS is recorded as recovered and gets no second SMS', async () => {
    const id = newPaymentId();
    await recoveries.signal('tribopay', id, waiting());
    await env.sleep(DELAY_MS + 60_000);
    await recoveries.signal('tribopay', id, waiting({ eventId: 'repeat-after-sms' }));
    await recoveries.signal('tribopay', id, paid);
    const final = await result(id);
    expect(final.status).toBe('recovered');
    expect(messagesTo()).toHaveLength(1);
    const transitions = (await transitionsForPayment(testDb.db, 'tribopay', id)).map(
      (t) => t.transition,
    );
    expect(transitions).toEqual(['waiting', 'sending', 'sms_sent', 'recovered']);
  });

  test('a paid status that arrives before its waiting status means no SMS, ever', async () => {
    const id = newPaymentId();
    await recoveries.signal('tribopay', id, paid);
    expect((await result(id)).status).toBe('cancelled');
    const late = await recoveries.signal('tribopay', id, waiting());
    expect(late).toMatchObject({
      signalled: false,
      workflowId: recoveryWorkflowId('tribopay', id),
      reason: 'recovery_finished',
      // Completed by its own code: not closed by hand, so no closed_by_hand row is due.
      execution: expect.objectContaining({ status: 'completed', closedByHand: false }),
    });
    await env.sleep(DELAY_MS * 2);
    expect(messagesTo()).toHaveLength(0);
  });

  test('repeated webhooks of the same waiting status converge on one workflow and one SMS', async () => {
    const id = newPaymentId();
    await Promise.all(
      Array.from({ length: 10 }, () =>
        recoveries.signal('tribopay', id, waiting({ eventId: 'same' })),
      ),
    );
    const final = await result(id);
    expect(final.updatesApplied).toBe(1);
    expect(messagesTo()).toHaveLength(1);
  });

  test('transient Twilio failures are retried until one SMS goes out', async () => {
    emulator.failNext({ kind: 'error', httpStatus: 429, code: 20429 }, 2);
    emulator.failNext({ kind: 'error', httpStatus: 503, code: 20503 });
    const id = newPaymentId();
    await recoveries.signal('tribopay', id, waiting());
    const final = await result(id);
    expect(final.sms?.status).toBe('sent');
    expect(messagesTo()).toHaveLength(1);
    const [row] = await smsForPayment(testDb.db, 'tribopay', id);
    expect(row.attempts).toBe(4);
    expect(row.twilioSid).toBe(messagesTo()[0].sid);
  });

  test('a permanent Twilio error fails at once, is not retried, and is recorded with its code', async () => {
    const landline = '+5511933334444';
    emulator.failForNumber(landline, {
      kind: 'error',
      httpStatus: 400,
      code: 21614,
      message: 'not a mobile number',
    });
    const id = newPaymentId();
    await recoveries.signal('tribopay', id, waiting({ phoneE164: landline }));
    const failure = await result(id).then(
      () => null,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect((failure as WorkflowFailedError).cause).toMatchObject({
      type: 'RecoverySmsFailed',
      message: 'Twilio 21614: not a mobile number',
      nonRetryable: true,
    });
    const handle = env.client.workflow.getHandle(recoveryWorkflowId('tribopay', id));
    expect((await handle.describe()).status.name).toBe('FAILED');
    const final = (await recoveries.state('tribopay', id))!;
    expect(final.status).toBe('sms_failed');
    expect(final.sms).toMatchObject({ status: 'failed', errorCode: 21614 });
    const [row] = await smsForPayment(testDb.db, 'tribopay', id);
    expect(row).toMatchObject({ status: 'failed', errorCode: 21614, attempts: 1, twilioSid: null });
    const transitions = await transitionsForPayment(testDb.db, 'tribopay', id);
    expect(transitions.at(-1)).toMatchObject({
      transition: 'sms_failed',
      detail: expect.objectContaining({ errorCode: 21614 }),
    });
  });

  test('a later waiting webhook for a recovery whose SMS failed for good starts nothing', async () => {
    const landline = '+5511933335555';
    emulator.failForNumber(landline, { kind: 'error', httpStatus: 400, code: 21614 });
    const id = newPaymentId();
    await recoveries.signal('tribopay', id, waiting({ phoneE164: landline }));
    await expect(result(id)).rejects.toThrow(WorkflowFailedError);
    const handle = env.client.workflow.getHandle(recoveryWorkflowId('tribopay', id));
    const { runId } = await handle.describe();
    emulator.reset();
    const late = await recoveries.signal('tribopay', id, waiting({ phoneE164: landline }));
    expect(late).toMatchObject({ signalled: false, reason: 'recovery_finished' });
    const after = await handle.describe();
    expect(after).toMatchObject({ runId, status: { name: 'FAILED' } });
    await env.sleep(DELAY_MS * 2);
    expect(messagesTo(landline)).toHaveLength(0);
  });

  test('a Twilio answer lost after Twilio accepted the message does not lead to a second SMS', async () => {
    emulator.failNext({ kind: 'lost-response' });
    const id = newPaymentId();
    await recoveries.signal('tribopay', id, waiting());
    const final = await result(id);
    expect(final.sms?.status).toBe('sent');
    const sent = messagesTo();
    expect(sent).toHaveLength(1);
    expect(final.sms?.sid).toBe(sent[0].sid);
    const [row] = await smsForPayment(testDb.db, 'tribopay', id);
    expect(row).toMatchObject({ attempts: 1, twilioSid: sent[0].sid });
  });

  test('the state query reports the due time: the delay after the first webhook, to the millisecond', async () => {
    const id = newPaymentId();
    const receivedAt = await env.currentTimeMs();
    await recoveries.signal('tribopay', id, waiting({ receivedAt: iso(receivedAt) }));
    await env.sleep(1_000);
    const state = await recoveries.state('tribopay', id);
    expect(state).toMatchObject({ status: 'waiting', lastPaymentStatus: 'waiting', sms: null });
    expect(state!.dueAt).toBe(iso(receivedAt + DELAY_MS));
    await recoveries.signal('tribopay', id, paid);
    await result(id);
  });

  test('a charge created before its first webhook falls due the delay after its creation, and not before', async () => {
    const id = newPaymentId();
    const receivedAt = await env.currentTimeMs();
    const createdAt = receivedAt - 4 * 60_000;
    await recoveries.signal(
      'tribopay',
      id,
      waiting({ receivedAt: iso(receivedAt), createdAt: iso(createdAt) }),
    );
    await env.sleep(1_000);
    expect((await recoveries.state('tribopay', id))!.dueAt).toBe(iso(createdAt + DELAY_MS));

    // Time skipping stops just short of the due time: nothing has gone out yet.
    await env.sleep(createdAt + DELAY_MS - (await env.currentTimeMs()) - 1_000);
    expect(messagesTo()).toHaveLength(0);
    expect((await result(id)).sms?.status).toBe('sent');
    expect(messagesTo()).toHaveLength(1);
    const transitions = await transitionsForPayment(testDb.db, 'tribopay', id);
    const sendingAt = transitions.find((t) => t.transition === 'sending')!.occurredAt.getTime();
    expect(sendingAt).toBeGreaterThanOrEqual(createdAt + DELAY_MS);
    expect(sendingAt).toBeLessThan(createdAt + DELAY_MS + 1_000);
  });
});

describe('recoveries running at once in one workflow thread, which shares the workflow modules', () => {
  test('each keeps its own settings, state and signals', async () => {
    // The fixture's worker has one workflow thread: both recoveries run in it, on the same
    // preloaded modules (src/temporal/worker.ts), with their steps interleaved.
    const soon = { id: newPaymentId(), phone: '+5511911110001', delayMs: DELAY_MS };
    const later = { id: newPaymentId(), phone: '+5511922220002', delayMs: 3 * DELAY_MS };
    const receivedAt = await env.currentTimeMs();
    await fixture
      .recoveries({ delayMs: soon.delayMs })
      .signal('tribopay', soon.id, waiting({ phoneE164: soon.phone, receivedAt: iso(receivedAt) }));
    await fixture.recoveries({ delayMs: later.delayMs }).signal(
      'tribopay',
      later.id,
      waiting({
        phoneE164: later.phone,
        customerName: 'João Souza',
        amountCentavos: 12345,
        receivedAt: iso(receivedAt),
      }),
    );
    await env.sleep(1_000);
    expect(await recoveries.state('tribopay', soon.id)).toMatchObject({
      paymentId: soon.id,
      status: 'waiting',
      dueAt: iso(receivedAt + soon.delayMs),
    });
    expect(await recoveries.state('tribopay', later.id)).toMatchObject({
      paymentId: later.id,
      status: 'waiting',
      dueAt: iso(receivedAt + later.delayMs),
    });

    await recoveries.signal('tribopay', soon.id, paid);
    expect(await result(soon.id)).toMatchObject({
      paymentId: soon.id,
      status: 'cancelled',
      sms: null,
    });
    const last = await result(later.id);
    expect(last).toMatchObject({ paymentId: later.id, status: 'not_recovered', paidAt: null });
    expect(last.sms?.status).toBe('sent');
    expect(messagesTo(soon.phone)).toHaveLength(0);
    const sent = messagesTo(later.phone);
    expect(sent).toHaveLength(1);
    expect(sent[0].body).toContain('João');
    expect(sent[0].body).toContain('R$ 123,45');
  });
});
