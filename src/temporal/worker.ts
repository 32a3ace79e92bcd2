import fs from 'node:fs';
import path from 'node:path';
import type { PayloadCodec } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { createActivities } from '../../activities';
import type { RetentionActivities } from '../../activities/retention';
import { dataConverter } from './data-converter';

/** Written by `npm run build`; loading it skips bundling the workflow code at start-up. */
export const WORKFLOW_BUNDLE_PATH = path.resolve(__dirname, '../../workflow-bundle.js');

export function workflowSource():
  { workflowBundle: { codePath: string } } | { workflowsPath: string } {
  if (fs.existsSync(WORKFLOW_BUNDLE_PATH))
    return { workflowBundle: { codePath: WORKFLOW_BUNDLE_PATH } };
  return { workflowsPath: require.resolve('../../workflows') };
}

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: ReturnType<typeof createActivities> & RetentionActivities;
  /** Recoveries kept between their tasks (WORKER_CACHED_WORKFLOWS); 0 keeps none. */
  maxCachedWorkflows: number;
  /** Payload encryption; the workflow bundle carries the matching failure converter. */
  codec: PayloadCodec;
  /** Slots and pollers (WORKER_*_TASK_SLOTS, WORKER_*_POLLERS); unset: the SDK's defaults. */
  tuning?: WorkerTuning;
}

export interface WorkerTuning {
  workflowTaskSlots: number;
  activityTaskSlots: number;
  workflowPollers: number;
  activityPollers: number;
  /** Threads running workflow code (WORKER_WORKFLOW_THREADS). */
  workflowThreads: number;
}

export function createWorker(options: WorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    maxCachedWorkflows: options.maxCachedWorkflows,
    ...(options.tuning && {
      maxConcurrentWorkflowTaskExecutions: options.tuning.workflowTaskSlots,
      maxConcurrentActivityTaskExecutions: options.tuning.activityTaskSlots,
      workflowThreadPoolSize: options.tuning.workflowThreads,
      // The poller behaviours, not the older `maxConcurrent…TaskPolls` options, which this
      // SDK version accepts and ignores.
      workflowTaskPollerBehavior: {
        type: 'simple-maximum',
        maximum: options.tuning.workflowPollers,
      },
      activityTaskPollerBehavior: {
        type: 'simple-maximum',
        maximum: options.tuning.activityPollers,
      },
    }),
    dataConverter: dataConverter(options.codec),
    ...workflowSource(),
  });
}
