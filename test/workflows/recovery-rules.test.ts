/**
 * Quiet hours, the frequency cap, opt-outs and sequences, under the time-skipping server
 * with the real workflow, real activities, SQLite and the Twilio emulator.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { transitionsForPayment } from '../../src/db/recovery-events';
import { suppress } from '../../src/db/suppressions';
import { DEFAULT_FOLLOW_UP_TEMPLATE } from '../../src/sms/template';
import { createRecoveryClient, type RecoverySettings } from '../../src/temporal/recovery-client';
import { startTwilioEmulator, type TwilioEmulator } from '../../src/twilio-emulator';
import {
  recoveryWorkflowId,
  type PaymentUpdate,
  type RecoveryState,
} from '../../workflows/definitions';
import type { QuietHours } from '../../workflows/quiet-hours';
import { sqliteTestDb, type TestDb } from '../helpers/db';
import { createRecoveryWorker } from '../helpers/recovery-worker';
import { bundleRecoveryWorkflows, createTimeSkippingEnv } from '../helpers/temporal';

const TASK_QUEUE = 'recovery-rules-test';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/**
 * How far a recorded time may be from the instant the rules give. The rules' mistakes are
 * hours off (UTC for local time, a missed day, a skipped DST hour); what separates a timer
 * from its transition's time is the real time the task took, seconds on a loaded machine.
 */
const ON_TIME_MS = 30_000;
const SAO_PAULO: QuietHours = {
  startMinute: 22 * 60,
  endMinute: 9 * 60,
  timeZone: 'America/Sao_Paulo',
};

let env: TestWorkflowEnvironment;
let emulator: TwilioEmulator;
let testDb: TestDb;
let bundle: WorkflowBundleWithSourceMap;
let worker: Worker;
let running: Promise<void>;
let seq = 0;

beforeAll(async () => {
  [emulator, testDb, bundle] = await Promise.all([
    startTwilioEmulator({ port: 0 }),
    sqliteTestDb(),
    bundleRecoveryWorkflows(),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all([emulator?.close(), testDb?.drop()]);
});

/**
 * A time-skipping server of its own for each test: these tests jump days or months ahead,
 * and the server's clock (and its idle jumps between tests) must not leak into the next one.
 */
beforeEach(async () => {
  env = await createTimeSkippingEnv();
  worker = await createRecoveryWorker({
    connection: env.nativeConnection,
    taskQueue: TASK_QUEUE,
    db: testDb.db,
    emulator,
    workflowBundle: bundle,
    rules: {
      followUpTemplates: [DEFAULT_FOLLOW_UP_TEMPLATE],
      frequencyCap: { maxPerWindow: 1, windowMs: 24 * HOUR },
    },
  });
  running = worker.run();
}, 60_000);

afterEach(async () => {
  worker.shutdown();
  await running;
  await env.teardown();
});

function recoveries(settings: Partial<RecoverySettings>) {
  return createRecoveryClient(env.client, {
    taskQueue: TASK_QUEUE,
    delayMs: 10 * MINUTE,
    attributionWindowMs: 24 * HOUR,
    ...settings,
  });
}

/** Each test gets its own payment and its own phone, so the frequency cap only bites where meant. */
function fresh(): { id: string; phone: string } {
  seq += 1;
  return {
    id: `rules-${Date.now()}-${seq}`,
    phone: `+55219${String(70000000 + seq * 13 + (process.pid % 97)).padStart(8, '0')}`,
  };
}

function waiting(phone: string, extra: Partial<PaymentUpdate> = {}): PaymentUpdate {
  return {
    status: 'waiting',
    method: 'pix',
    phoneE164: phone,
    customerName: 'Bia Lima',
    amountCentavos: 8990,
    ...extra,
  };
}

const result = (id: string): Promise<RecoveryState> =>
  env.client.workflow.getHandle(recoveryWorkflowId('ghostpay', id)).result();
const sentTo = (phone: string) => emulator.messages().filter((m) => m.to === phone);

async function transitionTimes(id: string): Promise<Record<string, number>> {
  const rows = await transitionsForPayment(testDb.db, 'ghostpay', id);
  return Object.fromEntries(rows.map((r) => [r.transition, r.occurredAt.getTime()]));
}

/** The next instant, at least an hour away, when São Paulo's clock shows 23:30 (UTC−3 all year). */
function nextSaoPaulo2330(nowMs: number): number {
  const day = new Date(nowMs + HOUR);
  let candidate = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 2, 30);
  while (candidate < nowMs + HOUR) candidate += 24 * HOUR;
  return candidate;
}

/** The UTC date (YYYY-MM-DD) of New York's next spring-forward, found by scanning offsets. */
function nextNewYorkSpringForward(nowMs: number): string {
  const offset = (ms: number) =>
    new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', timeZoneName: 'shortOffset' })
      .formatToParts(new Date(ms))
      .find((p) => p.type === 'timeZoneName')!.value;
  for (let ms = nowMs + 24 * HOUR; ms < nowMs + 400 * 24 * HOUR; ms += HOUR) {
    if (offset(ms) === 'GMT-4' && offset(ms - HOUR) === 'GMT-5')
      return new Date(ms).toISOString().slice(0, 10);
  }
  throw new Error('no spring-forward within a year');
}

describe('quiet hours', () => {
  test('an SMS falling due at 23:30 in São Paulo is held past midnight and sent at 09:00', async () => {
    const { id, phone } = fresh();
    const now = await env.currentTimeMs();
    const due = nextSaoPaulo2330(now);
    // Created at `now`, so the due time is exactly `due` however long the signal takes to land.
    await recoveries({ delayMs: due - now, quietHours: SAO_PAULO }).signal(
      'ghostpay',
      id,
      waiting(phone, { createdAt: new Date(now).toISOString() }),
    );
    const final = await result(id);
    expect(final.sms?.status).toBe('sent');
    const times = await transitionTimes(id);
    expect(times.held - due).toBeLessThan(ON_TIME_MS);
    expect(times.sending - (due + 9.5 * HOUR)).toBeGreaterThanOrEqual(0);
    expect(times.sending - (due + 9.5 * HOUR)).toBeLessThan(ON_TIME_MS);
    expect(sentTo(phone)).toHaveLength(1);
  });

  test('a payment made while its SMS is held for the night means no SMS', async () => {
    const { id, phone } = fresh();
    const now = await env.currentTimeMs();
    const due = nextSaoPaulo2330(now);
    const client = recoveries({ delayMs: due - now, quietHours: SAO_PAULO });
    await client.signal('ghostpay', id, waiting(phone));
    await env.sleep(due - now + 3 * HOUR); // 02:30 in São Paulo: held
    expect(await client.state('ghostpay', id)).toMatchObject({ status: 'held' });
    await client.signal('ghostpay', id, { status: 'paid' });
    expect((await result(id)).status).toBe('cancelled');
    expect(sentTo(phone)).toHaveLength(0);
  });

  test('across the night the clocks spring forward, the held SMS goes out at 09:00 local time', async () => {
    const { id, phone } = fresh();
    const now = await env.currentTimeMs();
    const day = nextNewYorkSpringForward(now);
    const due = Date.parse(`${day}T04:00:00Z`); // 23:00 the evening before, UTC−5
    const newYork = { ...SAO_PAULO, timeZone: 'America/New_York' };
    await recoveries({ delayMs: due - now, quietHours: newYork }).signal(
      'ghostpay',
      id,
      waiting(phone, { createdAt: new Date(now).toISOString() }),
    );
    await result(id);
    const times = await transitionTimes(id);
    const nineAmEdt = Date.parse(`${day}T13:00:00Z`); // 09:00 at UTC−4
    expect(times.sending - nineAmEdt).toBeGreaterThanOrEqual(0);
    expect(times.sending - nineAmEdt).toBeLessThan(ON_TIME_MS);
  });
});

describe('frequency cap', () => {
  test('two payments racing for the same number send one SMS; the other is skipped by the cap', async () => {
    const { phone } = fresh();
    const a = fresh().id;
    const b = fresh().id;
    const client = recoveries({});
    await Promise.all([
      client.signal('ghostpay', a, waiting(phone)),
      client.signal('ghostpay', b, waiting(phone)),
    ]);
    // One result at a time: the test server's time-skipping lock is global, and two
    // concurrent waits let it jump past an activity still running for the other workflow.
    const outcomes = [await result(a), await result(b)];
    expect(sentTo(phone)).toHaveLength(1);
    const skipped = outcomes.filter((o) => o.status === 'skipped');
    expect(skipped).toHaveLength(1);
    expect(skipped[0].sms).toMatchObject({ status: 'skipped', reason: 'frequency_cap' });
  });
});

describe('opt-out', () => {
  test('a number that opted out between two steps gets no second SMS', async () => {
    const { id, phone } = fresh();
    const client = recoveries({ steps: [10 * MINUTE, 3 * HOUR] });
    await client.signal('ghostpay', id, waiting(phone));
    await env.sleep(20 * MINUTE);
    expect(sentTo(phone)).toHaveLength(1);
    await suppress(testDb.db, phone, 'opt_out_reply', 'PARE');
    const final = await result(id);
    expect(sentTo(phone)).toHaveLength(1);
    expect(final.status).toBe('not_recovered');
    const transitions = (await transitionsForPayment(testDb.db, 'ghostpay', id)).map(
      (t) => t.transition,
    );
    expect(transitions).toContain('skipped');
  });

  test('Twilio 21610 puts the number on the suppression list and later payments skip it', async () => {
    const { phone } = fresh();
    emulator.failForNumber(phone, {
      kind: 'error',
      httpStatus: 400,
      code: 21610,
      message: 'Attempt to send to unsubscribed recipient',
    });
    const first = fresh().id;
    await recoveries({}).signal('ghostpay', first, waiting(phone));
    await expect(result(first)).rejects.toMatchObject({
      cause: { type: 'RecoverySmsFailed', message: expect.stringContaining('Twilio 21610') },
    });
    const second = fresh().id;
    await recoveries({}).signal('ghostpay', second, waiting(phone));
    expect((await result(second)).sms).toMatchObject({ status: 'skipped', reason: 'suppressed' });
    expect(
      await testDb.db('suppressed_numbers').where({ phone_e164: phone }).first(),
    ).toMatchObject({ reason: 'twilio_21610' });
  });
});

describe('sequences', () => {
  test('a payment that stays unpaid gets each step once, with its own template', async () => {
    const { id, phone } = fresh();
    await recoveries({ steps: [10 * MINUTE, 3 * HOUR] }).signal('ghostpay', id, waiting(phone));
    const final = await result(id);
    const bodies = sentTo(phone).map((m) => m.body);
    expect(bodies).toHaveLength(2);
    expect(bodies[0]).toContain('continua aguardando');
    expect(bodies[1]).toContain('Lembrete');
    expect(final).toMatchObject({ status: 'not_recovered', smsSent: 2, step: 2 });
    const sending = (await transitionsForPayment(testDb.db, 'ghostpay', id))
      .filter((t) => t.transition === 'sending')
      .map((t) => t.occurredAt.getTime());
    expect(sending).toHaveLength(2);
    expect(sending[1] - sending[0]).toBeGreaterThanOrEqual(3 * HOUR - ON_TIME_MS);
    expect(sending[1] - sending[0]).toBeLessThan(3 * HOUR + ON_TIME_MS);
  });

  test('a payment made between two steps is recovered and gets no second SMS', async () => {
    const { id, phone } = fresh();
    const client = recoveries({ steps: [10 * MINUTE, 3 * HOUR] });
    await client.signal('ghostpay', id, waiting(phone));
    await env.sleep(HOUR);
    await client.signal('ghostpay', id, { status: 'paid', amountCentavos: 8990 });
    const final = await result(id);
    expect(final.status).toBe('recovered');
    expect(sentTo(phone)).toHaveLength(1);
    const rows = await transitionsForPayment(testDb.db, 'ghostpay', id);
    expect(rows.at(-1)?.detail).toMatchObject({ amountCentavos: 8990 });
  });
});
