import type { RecoveryStatus } from '../../src/domain/recovery-status';
/**
 * A recovery's final transition settles the SMS rows it left `pending`: an activity the
 * server cancelled during its backoff, or whose retries ran out, never ran again to mark
 * its row. Real PostgreSQL, the activity as the worker runs it.
 */
import { createActivities } from '../../activities';
import type { TransitionRecord } from '../../src/db/recovery-events';
import { claimSendSlot } from '../../src/db/send-claims';
import {
  claimSmsRow,
  countAttempt,
  markAccepted,
  smsForPayment,
  STOPPED_BEFORE_SENDING,
} from '../../src/db/sms-messages';
import type { SmsSender } from '../../src/sms/sender';
import { pgTestDb, type TestDb } from '../helpers/db';
import { silentLogger } from '../helpers/recovery-worker';

let testDb: TestDb;
let seq = 0;

beforeAll(async () => {
  testDb = await pgTestDb();
});
afterAll(() => testDb?.drop());

function recordTransition(record: TransitionRecord): Promise<void> {
  const activities = createActivities({
    db: testDb.db,
    logger: silentLogger,
    template: 'unused',
    sms: {} as SmsSender, // recording a transition never sends
  });
  return activities.recordTransition(record);
}

/** A payment whose recovery has a row per step, each step's send slot claimed. */
async function recoveryWithRows(steps: number[]) {
  seq += 1;
  const paymentId = `settle-${Date.now()}-${seq}`;
  const workflowId = `recovery:tribopay:${paymentId}`;
  const phoneE164 = `+5511987${String(600000 + seq).padStart(6, '0')}`;
  const rows = [];
  for (const step of steps) {
    rows.push(
      await claimSmsRow(testDb.db, {
        workflowId,
        step,
        gateway: 'tribopay',
        paymentId,
        toE164: phoneE164,
        body: `step ${step}`,
      }),
    );
    await claimSendSlot(testDb.db, {
      phoneE164,
      workflowId,
      step,
      windowMs: 86_400_000,
      maxPerWindow: 10,
    });
  }
  const end = (transition: RecoveryStatus) =>
    recordTransition({
      eventKey: `${workflowId}:run:${steps.at(-1)}:${transition}`,
      workflowId,
      gateway: 'tribopay',
      paymentId,
      transition,
      detail: {},
      occurredAt: new Date().toISOString(),
    });
  const slots = async () =>
    (await testDb.db('sms_send_claims').where({ workflow_id: workflowId }).select('step')).map(
      (r: { step: number }) => Number(r.step),
    );
  return { paymentId, rows, end, slots };
}

const rowsOf = (paymentId: string) => smsForPayment(testDb.db, 'tribopay', paymentId);

test('a cancelled recovery marks its pending row cancelled, unsent, and gives its send slot back', async () => {
  const recovery = await recoveryWithRows([1]);
  await recovery.end('cancelled');

  const [row] = await rowsOf(recovery.paymentId);
  expect(row).toMatchObject({ status: 'cancelled', twilioSid: null });
  expect(row.errorMessage).toBe(`${STOPPED_BEFORE_SENDING}: the recovery ended (cancelled)`);
  expect(await recovery.slots()).toEqual([]);
});

test('a recovered recovery settles a later step it stopped, and leaves the sent SMS as it was', async () => {
  const recovery = await recoveryWithRows([1, 2]);
  await markAccepted(testDb.db, recovery.rows[0].id, 'SM0123', 'queued');
  await recovery.end('recovered');

  const [sent, stopped] = await rowsOf(recovery.paymentId);
  expect(sent).toMatchObject({ status: 'queued', twilioSid: 'SM0123', errorMessage: null });
  expect(stopped).toMatchObject({ status: 'cancelled', twilioSid: null });
  expect(await recovery.slots()).toEqual([1]);
});

test('a row whose earlier Twilio call got no clear answer says the SMS may exist, and keeps its slot', async () => {
  const recovery = await recoveryWithRows([1]);
  await countAttempt(testDb.db, recovery.rows[0].id, new Date());
  await recovery.end('cancelled');

  const [row] = await rowsOf(recovery.paymentId);
  expect(row.status).toBe('cancelled');
  expect(row.outcomeUnknownSince).not.toBeNull();
  expect(row.errorMessage).toMatch(/no clear answer: the SMS may exist$/);
  expect(await recovery.slots()).toEqual([1]);
});

test('retries that ran out (sms_failed) leave the row failed; a transition that is not final leaves it pending', async () => {
  const failing = await recoveryWithRows([1]);
  await failing.end('sms_failed');
  expect((await rowsOf(failing.paymentId))[0]).toMatchObject({
    status: 'failed',
    errorMessage: 'not sent: the recovery ended (sms_failed)',
  });

  const sending = await recoveryWithRows([1]);
  await sending.end('sending');
  expect((await rowsOf(sending.paymentId))[0]).toMatchObject({ status: 'pending' });
  expect(await sending.slots()).toEqual([1]);
});

test("a phone number in a transition's free text is stored masked; ids and times are kept", async () => {
  seq += 1;
  const workflowId = `recovery:tribopay:mask-${Date.now()}-${seq}`;
  await recordTransition({
    eventKey: `${workflowId}:run:1:sms_failed`,
    workflowId,
    gateway: 'tribopay',
    paymentId: `mask-${seq}`,
    transition: 'sms_failed',
    detail: {
      step: 1,
      errorCode: 21211,
      reason: "Twilio 21211: The 'To' number +5511987654321 is not a valid phone number.",
      smsFailure: { reason: 'to +5511987654321: refused', sid: 'SM12345678901abcdef' },
      eventId: '12345678901',
    },
    occurredAt: new Date().toISOString(),
  });
  const row = await testDb.db('recovery_events').where({ workflow_id: workflowId }).first();
  const stored = typeof row.detail === 'string' ? row.detail : JSON.stringify(row.detail);
  expect(stored).not.toContain('87654321');
  expect(JSON.parse(stored)).toEqual({
    step: 1,
    errorCode: 21211,
    reason: "Twilio 21211: The 'To' number +55 11 9****-4321 is not a valid phone number.",
    smsFailure: { reason: 'to +55 11 9****-4321: refused', sid: 'SM12345678901abcdef' },
    eventId: '12345678901',
  });
});
