import fs from 'node:fs';
import path from 'node:path';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { createActivities } from '../../activities';

/** Written by `npm run build`; loading it skips bundling the workflow code at start-up. */
export const WORKFLOW_BUNDLE_PATH = path.resolve(__dirname, '../../workflow-bundle.js');

export function workflowSource():
  { workflowBundle: { codePath: string } } | { workflowsPath: string } {
  if (fs.existsSync(WORKFLOW_BUNDLE_PATH))
    return { workflowBundle: { codePath: WORKFLOW_BUNDLE_PATH } };
  return { workflowsPath: require.resolve('../../workflows') };
}

/**
 * Recoveries kept in the worker's memory between their tasks (WORKER_CACHED_WORKFLOWS,
 * default 100). A recovery spends almost all its life waiting on a timer, and one kept in
 * the cache costs about 0.1 MB (the SDK's default, sized from the heap limit, is ~2,300:
 * 10,000 waiting recoveries held ~1 GB); one that was evicted replays its short history
 * (a dozen events) when its timer fires or a status arrives. 100 still holds every
 * recovery between two tasks of one step at the intake rates this machine reaches. See
 * BENCHMARKS.md, "Resident cost".
 */
export const DEFAULT_CACHED_WORKFLOWS = 100;

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: ReturnType<typeof createActivities>;
  /** Default DEFAULT_CACHED_WORKFLOWS; 0 keeps no recovery between tasks. */
  maxCachedWorkflows?: number;
}

export function createWorker(options: WorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    maxCachedWorkflows: options.maxCachedWorkflows ?? DEFAULT_CACHED_WORKFLOWS,
    ...workflowSource(),
  });
}
