import fs from 'node:fs';
import path from 'node:path';
import type { PayloadCodec } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { createActivities } from '../../activities';
import type { RetentionActivities } from '../../activities/retention';
import { dataConverter, FAILURE_CONVERTER_PATH } from './data-converter';

/** Written by `npm run build`; loading it skips bundling the workflow code at start-up. */
export const WORKFLOW_BUNDLE_PATH = path.resolve(__dirname, '../../workflow-bundle.js');

/** The workflow code's entry: every workflow type a worker runs. */
export const WORKFLOWS_PATH = require.resolve('../../workflows');

/**
 * Modules a workflow thread evaluates once, before its first workflow, and shares with every
 * workflow it runs; any other module is evaluated again for each workflow started or replayed
 * and kept while it is cached. Sharing ours is safe because none holds a recovery's state at
 * module scope: constants, activity proxies, signal and query definitions, and one date
 * formatter per time zone (it formats alike for every recovery). None may: a module-level
 * variable here would be seen by every recovery of the thread. The SDK freezes what shared
 * modules export. Measured in BENCHMARKS.md, "The preloaded workflow modules".
 */
export function preloadedWorkflowModules(workflowsPath = WORKFLOWS_PATH): string[] {
  return [workflowsPath];
}

/** How `npm run build` bundles the workflow code (tests bundle theirs the same way). */
export function workflowBundleOptions(workflowsPath = WORKFLOWS_PATH): {
  workflowsPath: string;
  failureConverterPath: string;
  preloadModules: string[];
} {
  return {
    workflowsPath,
    // Workflow failures are converted inside the sandbox: the bundle carries the converter.
    failureConverterPath: FAILURE_CONVERTER_PATH,
    preloadModules: preloadedWorkflowModules(workflowsPath),
  };
}

/** Worker options for workflow code that is not pre-built: the SDK bundles it at start-up. */
export function unbundledWorkflows(workflowsPath = WORKFLOWS_PATH): {
  workflowsPath: string;
  bundlerOptions: { preloadModules: string[] };
} {
  return {
    workflowsPath,
    bundlerOptions: { preloadModules: preloadedWorkflowModules(workflowsPath) },
  };
}

export function workflowSource():
  { workflowBundle: { codePath: string } } | ReturnType<typeof unbundledWorkflows> {
  if (fs.existsSync(WORKFLOW_BUNDLE_PATH))
    return { workflowBundle: { codePath: WORKFLOW_BUNDLE_PATH } };
  return unbundledWorkflows();
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
