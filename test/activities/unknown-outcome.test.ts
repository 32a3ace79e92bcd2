/**
 * The SMS activity after a Twilio call whose outcome it never learnt, attempt by attempt as
 * Temporal would retry it: PostgreSQL, the Twilio emulator behind the real client, and each
 * attempt's schedule time given the way Temporal gives it.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createActivities, type SendSmsInput, type SendSmsResult } from '../../activities';
import { OUTCOME_SETTLING } from '../../activities/send-recovery-sms';
import { smsForPayment } from '../../src/db/sms-messages';
import { createMetrics, type Metrics } from '../../src/metrics/metrics';
import { createSmsSender } from '../../src/sms/sender';
import { DEFAULT_TEMPLATE } from '../../src/sms/template';
import { startTwilioEmulator, type TwilioEmulator } from '../../src/twilio-emulator';
import { pgTestDb, type TestDb } from '../helpers/db';
import { SENDER_NUMBER, silentLogger } from '../helpers/recovery-worker';
import { sampleValue } from '../metrics/prometheus-text';
import { eventually } from '../helpers/processes';

const TWILIO_TIMEOUT_MS = 200;
const SETTLE_MS = 60_000;

let emulator: TwilioEmulator;
let testDb: TestDb;
let metrics: Metrics;
let seq = 0;

beforeAll(async () => {
  [emulator, testDb] = await Promise.all([startTwilioEmulator(), pgTestDb()]);
});
afterAll(() => Promise.all([emulator?.close(), testDb?.drop()]));
beforeEach(() => {
  emulator.reset();
  metrics = createMetrics();
});

function sendRecoverySms(timeoutMs = TWILIO_TIMEOUT_MS) {
  const sms = createSmsSender({ ...emulator, from: SENDER_NUMBER, timeoutMs }, emulator.url);
  return createActivities({
    db: testDb.db,
    logger: silentLogger,
    template: DEFAULT_TEMPLATE,
    sms,
    metrics,
    outcomeSettleMs: SETTLE_MS,
  }).sendRecoverySms;
}

function step(): SendSmsInput {
  seq += 1;
  const paymentId = `unknown-${Date.now()}-${seq}`;
  return {
    workflowId: `recovery:tribopay:${paymentId}`,
    gateway: 'tribopay',
    paymentId,
    step: 1,
    to: `+551198700${String(seq).padStart(4, '0')}`,
    customerName: 'Maria Silva',
    amountCentavos: 4990,
    checkoutUrl: null,
    pixCode: null,
    dueAt: new Date().toISOString(),
  };
}

/** One attempt, scheduled `afterMs` after the first one (Temporal's clock). */
function attempt(
  activity: ReturnType<typeof sendRecoverySms>,
  input: SendSmsInput,
  n: number,
  firstAt: number,
  afterMs: number,
): Promise<SendSmsResult> {
  const env = new MockActivityEnvironment(
    {
      attempt: n,
      scheduledTimestampMs: firstAt,
      currentAttemptScheduledTimestampMs: firstAt + afterMs,
    },
    { logger: new DefaultLogger('ERROR') }, // expected attempt failures log at WARN
  );
  return env.run(activity, input);
}

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await promise.then(
    () => new Error('expected the attempt to fail'),
    (e: unknown) => e,
  );
  if (!(err instanceof ApplicationFailure)) throw err;
  return err;
}

/** What an attempt came to: its result, or the failure it threw. */
function outcomeOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.catch((err: unknown) => err);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function unknownCount(event: string): Promise<number> {
  const text = await metrics.registry.metrics();
  return sampleValue(text, 'pix_recovery_sms_outcome_unknown_total', { event }) ?? 0;
}

test('Twilio committing the message only as it answers, late, gets no second SMS', async () => {
  const activity = sendRecoverySms();
  const input = step();
  const firstAt = Date.now();
  emulator.failNext({ kind: 'late-commit', ms: 800 });

  const timedOut = await outcomeOf(attempt(activity, input, 1, firstAt, 0));
  const [doubtful] = await smsForPayment(testDb.db, 'tribopay', input.paymentId);
  const retried = await outcomeOf(attempt(activity, input, 2, firstAt, 5_000));
  // Twilio has answered, late: the message exists (waited for, not timed, so load can't reorder it).
  await eventually(
    () => emulator.messages().some((m) => m.to === input.to),
    10_000,
    'the late commit',
  );
  const result = await attempt(activity, input, 3, firstAt, 15_000);

  const sent = emulator.messages().filter((m) => m.to === input.to);
  expect(sent).toHaveLength(1);
  expect(timedOut).toMatchObject({ type: 'TwilioTransientError' });
  expect(doubtful.outcomeUnknownSince?.getTime()).toBe(firstAt);
  expect(retried).toMatchObject({ type: OUTCOME_SETTLING, nonRetryable: false });
  expect(result).toEqual({ outcome: 'sent', sid: sent[0].sid, twilioStatus: expect.any(String) });
  const [row] = await smsForPayment(testDb.db, 'tribopay', input.paymentId);
  expect(row).toMatchObject({ twilioSid: sent[0].sid, attempts: 1, outcomeUnknownSince: null });
  expect(await unknownCount('unknown')).toBe(1);
  expect(await unknownCount('found_later')).toBe(1);
});

test('a Twilio call still running when Temporal retries the attempt is treated as unknown', async () => {
  // The first attempt outlives its startToClose: Temporal starts the next one meanwhile.
  const slow = sendRecoverySms(5_000);
  const input = step();
  const firstAt = Date.now();
  emulator.failNext({ kind: 'late-commit', ms: 1_000 });

  const first = attempt(slow, input, 1, firstAt, 0);
  await sleep(200);
  const settling = await failureOf(attempt(sendRecoverySms(), input, 2, firstAt, 35_000));
  await first;

  expect(settling.type).toBe(OUTCOME_SETTLING);
  expect(emulator.messages().filter((m) => m.to === input.to)).toHaveLength(1);
});

test('a message not found once the settling time passed is sent again, and only then', async () => {
  const activity = sendRecoverySms();
  const input = step();
  const firstAt = Date.now();
  emulator.failNext({ kind: 'error', httpStatus: 503, code: 20503 });

  await failureOf(attempt(activity, input, 1, firstAt, 0));
  const early = await failureOf(attempt(activity, input, 2, firstAt, SETTLE_MS - 1_000));
  const result = await attempt(activity, input, 3, firstAt, SETTLE_MS);

  expect(early.type).toBe(OUTCOME_SETTLING);
  const sent = emulator.messages().filter((m) => m.to === input.to);
  expect(sent).toHaveLength(1);
  expect(result).toMatchObject({ outcome: 'sent', sid: sent[0].sid });
  const [row] = await smsForPayment(testDb.db, 'tribopay', input.paymentId);
  expect(row).toMatchObject({ attempts: 2, outcomeUnknownSince: null });
  expect(await unknownCount('sent_again')).toBe(1);
});

test('a second call in doubt, after sending again, settles again from its own time', async () => {
  const activity = sendRecoverySms();
  const input = step();
  const firstAt = Date.now();
  emulator.failNext({ kind: 'error', httpStatus: 503, code: 20503 }, 2);

  await failureOf(attempt(activity, input, 1, firstAt, 0));
  await failureOf(attempt(activity, input, 2, firstAt, SETTLE_MS)); // sent again: 503 again
  const settling = await failureOf(attempt(activity, input, 3, firstAt, SETTLE_MS + 5_000));

  expect(settling.type).toBe(OUTCOME_SETTLING);
  const [row] = await smsForPayment(testDb.db, 'tribopay', input.paymentId);
  expect(row.outcomeUnknownSince?.getTime()).toBe(firstAt + SETTLE_MS);
  expect(emulator.messages()).toHaveLength(0);
});

test('a clear refusal (429) leaves nothing in doubt: the retry sends at once', async () => {
  const activity = sendRecoverySms();
  const input = step();
  const firstAt = Date.now();
  emulator.failNext({ kind: 'error', httpStatus: 429, code: 20429 });

  const refused = await failureOf(attempt(activity, input, 1, firstAt, 0));
  const result = await attempt(activity, input, 2, firstAt, 5_000);

  expect(refused.type).toBe('TwilioTransientError');
  expect(result.outcome).toBe('sent');
  expect(emulator.messages().filter((m) => m.to === input.to)).toHaveLength(1);
  expect(await unknownCount('unknown')).toBe(0);
});
