/**
 * The audit trail tells the workflow's story even when a workflow task dies after its audit
 * row was written: the task's retry, seeing a `paid` that arrived meanwhile, ends the
 * recovery `cancelled`, and that final row is stored next to the crashed task's `waiting`.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { TransitionRecord } from '../../src/db/recovery-events';
import { transitionsForPayment } from '../../src/db/recovery-events';
import { createRecoveryClient } from '../../src/temporal/recovery-client';
import { startTwilioEmulator, type TwilioEmulator } from '../../src/twilio-emulator';
import { recoveryWorkflowId, type RecoveryState } from '../../workflows/definitions';
import { CRASH_TASK } from '../fixtures/crash-after-transition';
import { pgTestDb, type TestDb } from '../helpers/db';
import { createRecoveryWorker } from '../helpers/recovery-worker';
import { createTimeSkippingEnv } from '../helpers/temporal';

const TASK_QUEUE = 'audit-after-crash';
const PHONE = '+5511987650001';

let env: TestWorkflowEnvironment;
let testDb: TestDb;
let emulator: TwilioEmulator;
let worker: Worker;
let running: Promise<void>;

/**
 * Payments whose first `waiting` row is followed by a crash of its workflow task: the row
 * is written, the test is told, and the task fails once the test lets it.
 */
interface Crash {
  written: Promise<void>;
  release: () => void;
}
const crashes = new Map<string, Crash & { waitingWritten: () => void; released: Promise<void> }>();

function crashAfterWaiting(paymentId: string): Crash {
  let waitingWritten!: () => void;
  let release!: () => void;
  const written = new Promise<void>((resolve) => (waitingWritten = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  crashes.set(paymentId, { written, release, waitingWritten, released });
  return { written, release };
}

beforeAll(async () => {
  [env, testDb, emulator] = await Promise.all([
    createTimeSkippingEnv(),
    pgTestDb(),
    startTwilioEmulator({ port: 0 }),
  ]);
  worker = await createRecoveryWorker({
    connection: env.nativeConnection,
    taskQueue: TASK_QUEUE,
    db: testDb.db,
    emulator,
    workflowInterceptorModules: [require.resolve('../fixtures/crash-after-transition')],
    wrapActivities: (activities) => ({
      ...activities,
      async recordTransition(record: TransitionRecord) {
        await activities.recordTransition(record);
        const crash = crashes.get(record.paymentId);
        if (!crash || record.transition !== 'waiting') return;
        crashes.delete(record.paymentId);
        crash.waitingWritten();
        await crash.released;
        return CRASH_TASK as unknown as void;
      },
    }),
  });
  running = worker.run();
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await Promise.all([env?.teardown(), emulator?.close(), testDb?.drop()]);
});

const recoveries = () =>
  createRecoveryClient(env.client, {
    taskQueue: TASK_QUEUE,
    delayMs: 10 * 60_000,
    attributionWindowMs: 24 * 3_600_000,
  });

async function failedTasks(id: string): Promise<number> {
  const handle = env.client.workflow.getHandle(recoveryWorkflowId('tribopay', id));
  const history = await handle.fetchHistory();
  return history.events!.filter((e) => e.workflowTaskFailedEventAttributes).length;
}

function result(id: string): Promise<RecoveryState> {
  return env.client.workflow.getHandle(recoveryWorkflowId('tribopay', id)).result();
}

test('a paid that arrives while a crashed task had written waiting still gets its cancelled row', async () => {
  const id = `pay-crash-paid-${Date.now()}`;
  const crash = crashAfterWaiting(id);
  await recoveries().signal('tribopay', id, {
    status: 'waiting',
    method: 'pix',
    phoneE164: PHONE,
  });
  await crash.written;
  await recoveries().signal('tribopay', id, { status: 'paid', method: 'pix' });
  crash.release();

  const final = await result(id);

  expect(final.status).toBe('cancelled');
  expect(await failedTasks(id)).toBe(1); // the crash did happen, once
  const audit = await transitionsForPayment(testDb.db, 'tribopay', id);
  expect(audit.map((row) => row.transition)).toEqual(['waiting', 'cancelled']);
  expect(audit.at(-1)!.detail).toEqual({ reason: 'payment_status', paymentStatus: 'paid' });
  expect(emulator.messages()).toHaveLength(0);
});

test('a crashed task retried on the same path writes its transition once', async () => {
  const id = `pay-crash-same-${Date.now()}`;
  const crash = crashAfterWaiting(id);
  await recoveries().signal('tribopay', id, {
    status: 'waiting',
    method: 'pix',
    phoneE164: PHONE,
  });
  await crash.written;
  crash.release();

  const final = await result(id);

  expect(final.status).toBe('not_recovered');
  expect(await failedTasks(id)).toBe(1);
  const audit = await transitionsForPayment(testDb.db, 'tribopay', id);
  expect(audit.map((row) => row.transition)).toEqual([
    'waiting',
    'sending',
    'sms_sent',
    'not_recovered',
  ]);
  expect(emulator.messages().filter((m) => m.to === PHONE)).toHaveLength(1);
});
