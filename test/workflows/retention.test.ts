/**
 * The data-retention workflow under the time-skipping server, over seeded audit rows on
 * PostgreSQL: old rows lose their personal data in batches, recent ones keep it, and a run
 * that stops part-way is finished by the next.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import pino from 'pino';
import { createRetentionActivities } from '../../activities/retention';
import { phoneScrubber } from '../../src/privacy/anonymise';
import { parsePayloadKeys } from '../../src/temporal/payload-keys';
import {
  dataRetention,
  retentionProgressQuery,
  type RetentionInput,
} from '../../workflows/retention';
import { pgTestDb, type TestDb } from '../helpers/db';
import { eventually } from '../helpers/processes';
import { createTimeSkippingEnv, TEST_PAYLOAD_KEYS, testDataConverter } from '../helpers/temporal';
import { insertEvents, insertSms } from '../monitoring/seed';

const TASK_QUEUE = 'retention-test';
const DAY = 86_400_000;
const OLD_PHONE = '+5511932109876';
const NEW_PHONE = '+5511921098765';
let env: TestWorkflowEnvironment;
let testDb: TestDb;
let worker: Worker;
let running: Promise<void>;

const input: RetentionInput = {
  retentionMs: 180 * DAY,
  claimWindowMs: DAY,
  batchSize: 2,
  pauseMs: 60_000,
};

beforeAll(async () => {
  [env, testDb] = await Promise.all([createTimeSkippingEnv(), pgTestDb()]);
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: TASK_QUEUE,
    workflowsPath: require.resolve('../../workflows'),
    dataConverter: testDataConverter,
    activities: createRetentionActivities({
      db: testDb.db,
      logger: pino({ level: 'silent' }),
      scrub: phoneScrubber(parsePayloadKeys(TEST_PAYLOAD_KEYS)),
    }),
  });
  running = worker.run();
}, 60_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await Promise.all([env?.teardown(), testDb?.drop()]);
});

beforeEach(async () => {
  for (const table of ['webhook_events', 'sms_messages', 'sms_send_claims', 'suppressed_numbers'])
    await testDb.db(table).delete();
});

/** Five webhooks and three messages from 200 days ago, two and one from yesterday, claims of both ages. */
async function seed(): Promise<void> {
  // The test server's clock, which earlier tests' skipped time has moved ahead of ours.
  const now = await env.currentTimeMs();
  const old = new Date(now - 200 * DAY);
  const recent = new Date(now - DAY / 2);
  const event = (paymentId: string, receivedAt: Date, phoneE164: string) => ({
    gateway: 'tribopay' as const,
    paymentId,
    method: 'pix' as const,
    status: 'waiting' as const,
    receivedAt,
    phoneE164,
  });
  await insertEvents(testDb.db, [
    ...[1, 2, 3, 4, 5].map((i) => event(`old-${i}`, old, OLD_PHONE)),
    event('new-1', recent, NEW_PHONE),
    event('new-2', recent, NEW_PHONE),
  ]);
  const sms = (paymentId: string, createdAt: Date, toE164: string) => ({
    workflowId: `recovery:tribopay:${paymentId}`,
    paymentId,
    toE164,
    status: 'delivered',
    createdAt,
  });
  await insertSms(testDb.db, [
    sms('old-1', old, OLD_PHONE),
    sms('old-2', old, OLD_PHONE),
    sms('old-3', old, OLD_PHONE),
    sms('new-1', recent, NEW_PHONE),
  ]);
  await testDb.db('sms_send_claims').insert([
    { phone_e164: OLD_PHONE, workflow_id: 'w-old', step: 1, claimed_at: new Date(now - 2 * DAY) },
    { phone_e164: NEW_PHONE, workflow_id: 'w-new', step: 1, claimed_at: recent },
  ]);
  await testDb.db('suppressed_numbers').insert({
    phone_e164: OLD_PHONE,
    reason: 'opt_out_reply',
    created_at: old,
  });
}

const text = async (table: string) => JSON.stringify(await testDb.db(table).select());

test('anonymises rows older than the retention in batches and keeps recent ones and suppressions', async () => {
  await seed();

  const result = await env.client.workflow.execute(dataRetention, {
    taskQueue: TASK_QUEUE,
    workflowId: 'retention-full',
    args: [input],
  });

  expect(result).toMatchObject({ webhookEvents: 5, smsMessages: 3, sendClaims: 1, phase: 'done' });
  for (const table of ['webhook_events', 'sms_messages', 'sms_send_claims'])
    expect(await text(table)).not.toContain('32109876');
  expect(await text('webhook_events')).toContain(NEW_PHONE);
  expect(await text('sms_messages')).toContain(NEW_PHONE);
  expect(await testDb.db('sms_send_claims').pluck('workflow_id')).toEqual(['w-new']);
  // Suppressions protect the customer: kept as they are.
  expect(await testDb.db('suppressed_numbers').pluck('phone_e164')).toEqual([OLD_PHONE]);
  // Counts and joins still work: one keyed hash for the old number in both tables.
  const hashes = await testDb
    .db('webhook_events')
    .whereLike('phone_e164', '#%')
    .distinct('phone_e164');
  expect(hashes).toHaveLength(1);
  expect(await testDb.db('sms_messages').where({ to_e164: hashes[0].phone_e164 })).toHaveLength(3);
});

test('a run stopped part-way shows its progress, and the next run finishes the rest', async () => {
  await seed();
  const first = await env.client.workflow.start(dataRetention, {
    taskQueue: TASK_QUEUE,
    workflowId: 'retention-interrupted',
    args: [input],
  });
  // Time stands still here (no result awaited): the run waits out its pause after one batch.
  const progress = await eventually(async () => {
    const p = await first.query(retentionProgressQuery);
    return p.webhookEvents === 2 ? p : null;
  });
  expect(progress).toMatchObject({ phase: 'webhook_events', smsMessages: 0 });
  await first.terminate('simulated crash');

  const second = await env.client.workflow.execute(dataRetention, {
    taskQueue: TASK_QUEUE,
    workflowId: 'retention-resumed',
    args: [input],
  });

  expect(second).toMatchObject({ webhookEvents: 3, smsMessages: 3, sendClaims: 1, phase: 'done' });
  expect(await text('webhook_events')).not.toContain('32109876');
});
