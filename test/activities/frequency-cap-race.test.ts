/**
 * The frequency cap under a real race on PostgreSQL: two workers' SMS activities, each with
 * a connection pool of its own (as two worker processes have), send the steps of many
 * payments to one number at the same moment. Only the per-number advisory lock
 * (`pg_advisory_xact_lock`) keeps their claims from all counting the same free slots.
 * (Two Temporal workers on one task queue can't share a process, hence the activities.)
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createActivities, type SendSmsInput, type SendSmsResult } from '../../activities';
import { createDb, type Db } from '../../src/db/connect';
import { createSmsSender } from '../../src/sms/sender';
import { DEFAULT_TEMPLATE } from '../../src/sms/template';
import { startTwilioEmulator, type TwilioEmulator } from '../../src/twilio-emulator';
import { pgTestDb, type TestDb } from '../helpers/db';
import { SENDER_NUMBER, silentLogger } from '../helpers/recovery-worker';

const MAX_SMS_PER_PHONE = 2;
const PAYMENTS = 12;
const PHONE = '+5521987650001';

let emulator: TwilioEmulator;
let testDb: TestDb;
let secondPool: Db;

beforeAll(async () => {
  [emulator, testDb] = await Promise.all([startTwilioEmulator(), pgTestDb()]);
  secondPool = createDb({ client: 'pg', url: testDb.url });
});
afterAll(async () => {
  await secondPool?.destroy();
  await Promise.all([emulator?.close(), testDb?.drop()]);
});

/** One worker's SMS activity, on its own pool. */
function workerActivity(db: Db) {
  return createActivities({
    db,
    logger: silentLogger,
    template: DEFAULT_TEMPLATE,
    sms: createSmsSender({ ...emulator, from: SENDER_NUMBER }, emulator.url),
    frequencyCap: { maxPerWindow: MAX_SMS_PER_PHONE, windowMs: 24 * 3_600_000 },
  }).sendRecoverySms;
}

function step(i: number): SendSmsInput {
  const paymentId = `race-${Date.now()}-${i}`;
  return {
    workflowId: `recovery:ghostpay:${paymentId}`,
    gateway: 'ghostpay',
    paymentId,
    step: 1,
    to: PHONE,
    customerName: 'Bia Lima',
    amountCentavos: 1990,
    checkoutUrl: null,
    pixCode: null,
    dueAt: new Date().toISOString(),
  };
}

test('two workers, one number, many payments due at once: exactly MAX_SMS_PER_PHONE SMS go out', async () => {
  const workers = [workerActivity(testDb.db), workerActivity(secondPool)];
  const results = await Promise.all(
    Array.from({ length: PAYMENTS }, (_, i): Promise<SendSmsResult> =>
      new MockActivityEnvironment({ attempt: 1 }, { logger: new DefaultLogger('ERROR') }).run(
        workers[i % workers.length],
        step(i),
      ),
    ),
  );

  expect(emulator.messages().filter((m) => m.to === PHONE)).toHaveLength(MAX_SMS_PER_PHONE);
  expect(results.filter((r) => r.outcome === 'sent')).toHaveLength(MAX_SMS_PER_PHONE);
  expect(
    results.filter((r) => r.outcome === 'skipped' && r.reason === 'frequency_cap'),
  ).toHaveLength(PAYMENTS - MAX_SMS_PER_PHONE);
  const [{ n }] = await testDb.db('sms_send_claims').where({ phone_e164: PHONE }).count('* as n');
  expect(Number(n)).toBe(MAX_SMS_PER_PHONE);
});
