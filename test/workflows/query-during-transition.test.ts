/**
 * A `state` query that reaches the recovery with the workflow task that fires its due time
 * is answered while the `sending` transition (a local activity) is still being written: the
 * SDK then completes that task with the transition alone and schedules the SMS from a new
 * one. The history must still replay, since a worker that lost its cache, an operator's
 * query and the `replay` command all replay it from the start.
 */
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { createRecoveryClient, type RecoveryClient } from '../../src/temporal/recovery-client';
import { startTwilioEmulator, type TwilioEmulator } from '../../src/twilio-emulator';
import { recoveryWorkflowId } from '../../workflows/definitions';
import { sqliteTestDb, type TestDb } from '../helpers/db';
import { createRecoveryWorker, FIXTURE_SETTINGS } from '../helpers/recovery-worker';
import {
  bundleRecoveryWorkflows,
  createTimeSkippingEnv,
  testDataConverter,
} from '../helpers/temporal';
import { eventually } from '../helpers/processes';

const { EventType } = temporal.api.enums.v1;
const TASK_QUEUE = 'query-during-transition';

let env: TestWorkflowEnvironment;
let testDb: TestDb;
let emulator: TwilioEmulator;
let bundle: WorkflowBundleWithSourceMap;
let recoveries: RecoveryClient;

beforeAll(async () => {
  [env, testDb, emulator, bundle] = await Promise.all([
    createTimeSkippingEnv(),
    sqliteTestDb(),
    startTwilioEmulator({ port: 0 }),
    bundleRecoveryWorkflows(),
  ]);
  recoveries = createRecoveryClient(env.client, { taskQueue: TASK_QUEUE, ...FIXTURE_SETTINGS });
}, 120_000);

afterAll(async () => {
  await Promise.all([env?.teardown(), emulator?.close(), testDb?.drop()]);
});

/** A worker that keeps nothing cached: each of its workflow tasks replays the history. */
function replayingWorker(): Promise<Worker> {
  return createRecoveryWorker({
    connection: env.nativeConnection,
    taskQueue: TASK_QUEUE,
    db: testDb.db,
    emulator,
    workflowBundle: bundle,
    maxCachedWorkflows: 0,
  });
}

test('a query answered as the due time writes its transition leaves a history that replays, and the SMS goes out', async () => {
  const paymentId = `query-${Date.now()}`;
  const isNow = (status: string) => async () =>
    (await recoveries.state('tribopay', paymentId))?.status === status;
  const first = await replayingWorker();
  await first.runUntil(async () => {
    await recoveries.signal('tribopay', paymentId, {
      status: 'waiting',
      eventId: 'waiting-1',
      phoneE164: '+5521987650001',
      amountCentavos: 4990,
      receivedAt: new Date(await env.currentTimeMs()).toISOString(),
    });
    await eventually(isNow('waiting'), 20_000, 'the recovery waiting');
  });
  // No worker polls: the due time's workflow task waits, and the query rides along with it.
  await env.sleep(FIXTURE_SETTINGS.delayMs);
  const asked = recoveries
    .state('tribopay', paymentId, { timeoutMs: 30_000 })
    .catch((err: unknown) => err);
  await new Promise((resolve) => setTimeout(resolve, 500));

  const second = await replayingWorker();
  const history = await second.runUntil(async () => {
    expect(await asked).toMatchObject({ status: 'sending' });
    await eventually(isNow('sms_sent'), 20_000, 'the SMS recorded');
    return env.client.workflow.getHandle(recoveryWorkflowId('tribopay', paymentId)).fetchHistory();
  });

  const types = history.events!.map((e) => e.eventType);
  const fired = types.indexOf(EventType.EVENT_TYPE_TIMER_FIRED);
  const sendScheduled = types.indexOf(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
  const completions = types
    .slice(fired, sendScheduled)
    .filter((t) => t === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  expect(completions).toHaveLength(2); // the transition's task, then the one scheduling the SMS
  await expect(
    Worker.runReplayHistory({ workflowBundle: bundle, dataConverter: testDataConverter }, history),
  ).resolves.toBeUndefined();
  expect(emulator.messages().filter((m) => m.to === '+5521987650001')).toHaveLength(1);
}, 120_000);
