import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { loadConfig } from '../../src/config';
import { createWorker, type WorkerOptions } from '../../src/temporal/worker';
import { createTimeSkippingEnv, testCodec } from '../helpers/temporal';

let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
}, 60_000);

afterAll(() => env?.teardown());

let queues = 0;

/** The options Temporal's worker compiled from ours: what it will really run with. */
async function compiled(tuning: WorkerOptions['tuning']) {
  queues += 1;
  const worker = await createWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue: `worker-tuning-test-${queues}`,
    // No activity runs here; the test reads the worker's settings only.
    activities: {} as WorkerOptions['activities'],
    maxCachedWorkflows: 100,
    codec: testCodec,
    tuning,
  });
  // Started and stopped at once, so the native worker is released.
  await worker.runUntil(Promise.resolve());
  return worker.options;
}

test('the tuning settings reach the worker: task slots, poller maximums, workflow threads', async () => {
  const config = loadConfig({
    WORKER_WORKFLOW_TASK_SLOTS: '24',
    WORKER_ACTIVITY_TASK_SLOTS: '60',
    WORKER_WORKFLOW_POLLERS: '3',
    WORKER_ACTIVITY_POLLERS: '7',
    WORKER_WORKFLOW_THREADS: '2',
  });
  const options = await compiled({
    workflowTaskSlots: config.temporal.workflowTaskSlots,
    activityTaskSlots: config.temporal.activityTaskSlots,
    workflowPollers: config.temporal.workflowPollers,
    activityPollers: config.temporal.activityPollers,
    workflowThreads: config.temporal.workflowThreads,
  });

  expect(options.tuner).toMatchObject({
    workflowTaskSlotSupplier: { type: 'fixed-size', numSlots: 24 },
    activityTaskSlotSupplier: { type: 'fixed-size', numSlots: 60 },
  });
  expect(options.workflowTaskPollerBehavior).toEqual({ type: 'simple-maximum', maximum: 3 });
  expect(options.activityTaskPollerBehavior).toEqual({ type: 'simple-maximum', maximum: 7 });
  expect(options.workflowThreadPoolSize).toBe(2);
});

test('the defaults are the SDK defaults: 40 and 100 slots, 10 pollers each, one workflow thread', async () => {
  const { temporal } = loadConfig({});
  const options = await compiled({
    workflowTaskSlots: temporal.workflowTaskSlots,
    activityTaskSlots: temporal.activityTaskSlots,
    workflowPollers: temporal.workflowPollers,
    activityPollers: temporal.activityPollers,
    workflowThreads: temporal.workflowThreads,
  });
  const untuned = await compiled(undefined);

  expect(options.tuner).toMatchObject(untuned.tuner);
  expect(options.workflowTaskPollerBehavior).toEqual(untuned.workflowTaskPollerBehavior);
  expect(options.activityTaskPollerBehavior).toEqual(untuned.activityTaskPollerBehavior);
  expect(options.workflowThreadPoolSize).toBe(untuned.workflowThreadPoolSize);
});
