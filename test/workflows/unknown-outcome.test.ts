/**
 * The settling wait inside a real workflow: Temporal's retry backoff does the waiting, on
 * Temporal's clock (skipped here), before a message whose outcome is unknown is resent.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DEFAULT_OUTCOME_SETTLE_MS } from '../../activities/send-recovery-sms';
import { transitionsForPayment } from '../../src/db/recovery-events';
import { smsForPayment } from '../../src/db/sms-messages';
import type { RecoveryClient } from '../../src/temporal/recovery-client';
import type { TwilioEmulator } from '../../src/twilio-emulator';
import { recoveryWorkflowId } from '../../workflows/definitions';
import { sqliteTestDb, type TestDb } from '../helpers/db';
import { startRecoveryFixture, type RecoveryFixture } from '../helpers/recovery-worker';

const TASK_QUEUE = 'recovery-unknown-outcome-test';
const PHONE = '+5511987653333';

let fixture: RecoveryFixture;
let env: TestWorkflowEnvironment;
let emulator: TwilioEmulator;
let testDb: TestDb;
let recoveries: RecoveryClient;

beforeAll(async () => {
  fixture = await startRecoveryFixture({ taskQueue: TASK_QUEUE, database: sqliteTestDb });
  ({ env, testDb, emulator } = fixture);
  recoveries = fixture.recoveries();
}, 120_000);

afterAll(async () => {
  await fixture?.stop();
});

test('after a 5xx, the SMS goes out again only once the settling time has passed', async () => {
  emulator.failNext({ kind: 'error', httpStatus: 503, code: 20503 });
  const id = `pay-unknown-${Date.now()}`;
  await recoveries.signal('tribopay', id, { status: 'waiting', method: 'pix', phoneE164: PHONE });

  const handle = env.client.workflow.getHandle(recoveryWorkflowId('tribopay', id));
  const final = await handle.result();

  expect(final.sms?.status).toBe('sent');
  expect(emulator.messages().filter((m) => m.to === PHONE)).toHaveLength(1);
  const audit = await transitionsForPayment(testDb.db, 'tribopay', id);
  const at = (name: string) => audit.find((t) => t.transition === name)!.occurredAt.getTime();
  expect(at('sms_sent') - at('sending')).toBeGreaterThanOrEqual(DEFAULT_OUTCOME_SETTLE_MS);
  const [row] = await smsForPayment(testDb.db, 'tribopay', id);
  expect(row).toMatchObject({ attempts: 2, outcomeUnknownSince: null });
  const history = await handle.fetchHistory();
  const started = history.events!.find((e) => e.activityTaskStartedEventAttributes)!;
  // The 503, then lookups that waited (a retry after a clear refusal would be attempt 2).
  expect(started.activityTaskStartedEventAttributes!.attempt).toBeGreaterThan(2);
});
