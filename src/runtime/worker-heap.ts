import v8 from 'node:v8';

const MIB = 1024 * 1024;

/**
 * The recoveries a worker caches live in its workflow thread, whose V8 heap has the same
 * limit as the main thread's (`--max-old-space-size` is process-wide; the SDK sets no
 * `resourceLimits`). Measured there after a full collection (BENCHMARKS.md, "The workflow
 * cache and the heap limit"): 21.5 MiB as the worker started, then 0.075 MiB more per
 * recovery waiting and 0.081 MiB per recovery whose SMS went out. Rounded up, for
 * recoveries with longer sequences than the bench's.
 */
export const WORKFLOW_THREAD_BASE_MIB = 25;
export const MIB_PER_CACHED_RECOVERY = 0.1;
/**
 * What the live heap must leave free: V8 lets the old space grow ~1.4× past what is live
 * before collecting (at a 512 MiB limit), and a burst adds replays' and activations' garbage
 * on top. A heap more than half full is one burst from "JavaScript heap out of memory".
 */
export const HEAP_HEADROOM = 2;

export interface CacheFit {
  fits: boolean;
  /** The workflow thread's estimated live heap with the cache full. */
  neededMib: number;
  /** The heap limit that estimate needs (with the headroom). */
  neededLimitMib: number;
  limitMib: number;
  /** The largest cache this heap limit holds with the headroom. */
  largestCache: number;
}

export function workflowCacheFit(cachedWorkflows: number, heapLimitBytes: number): CacheFit {
  const limitMib = heapLimitBytes / MIB;
  const neededMib = WORKFLOW_THREAD_BASE_MIB + cachedWorkflows * MIB_PER_CACHED_RECOVERY;
  const neededLimitMib = neededMib * HEAP_HEADROOM;
  const spare = limitMib / HEAP_HEADROOM - WORKFLOW_THREAD_BASE_MIB;
  return {
    fits: neededLimitMib <= limitMib,
    neededMib,
    neededLimitMib,
    limitMib,
    largestCache: Math.max(0, Math.floor(spare / MIB_PER_CACHED_RECOVERY)),
  };
}

/**
 * Why the worker must not start with this cache and this heap, or null when they fit. A
 * cache the heap can't hold would not fail at start but in the first burst that fills it,
 * with every SMS in flight, and again after each restart while the burst lasts: refused here
 * instead, where the operator is looking. `heapMb` is WORKER_HEAP_MB, which reaches node only
 * through scripts/worker-node.sh: a limit below it means node was started some other way.
 */
export function workflowCacheProblem(
  cachedWorkflows: number,
  heapMb: number,
  heapLimitBytes = v8.getHeapStatistics().heap_size_limit,
): string | null {
  const fit = workflowCacheFit(cachedWorkflows, heapLimitBytes);
  if (fit.fits) return null;
  // heap_size_limit is the old space plus a few MiB of young generation: round up.
  const oldSpace = Math.ceil(fit.neededLimitMib / 128) * 128;
  // Node started with WORKER_HEAP_MB has a limit above it (the young generation comes on top).
  const reached = fit.limitMib >= heapMb;
  const heapFix = reached
    ? `set WORKER_HEAP_MB=${oldSpace} (it is ${heapMb}; npm start, npm run start:worker and compose's worker start node with it)`
    : `start node with --max-old-space-size=${oldSpace}`;
  return [
    `WORKER_CACHED_WORKFLOWS=${cachedWorkflows} does not fit this worker's V8 heap limit (${Math.round(fit.limitMib)} MiB):`,
    `  with ${cachedWorkflows} recoveries cached its workflow thread holds about ${Math.ceil(fit.neededMib)} MiB, and the limit must be ${HEAP_HEADROOM}x that (${Math.ceil(fit.neededLimitMib)} MiB), or a burst can run the worker out of memory.`,
    // The cache can't be 1 (the SDK takes it as 2): below 2, only a larger heap helps.
    fit.largestCache >= 2
      ? `  Lower WORKER_CACHED_WORKFLOWS to ${fit.largestCache} or less, or ${heapFix}.`
      : `  ${heapFix[0].toUpperCase()}${heapFix.slice(1)}.`,
    ...(reached
      ? []
      : [
          `  WORKER_HEAP_MB=${heapMb} did not reach this node: scripts/worker-node.sh starts node with it (sh scripts/worker-node.sh dist/src/bin/worker.js, as npm start, npm run start:worker and compose's worker do).`,
        ]),
  ].join('\n');
}

/** For the worker's entrypoints: exits 2 with the reason when the cache doesn't fit the heap. */
export function exitIfCacheDoesNotFit(config: {
  temporal: { cachedWorkflows: number };
  workerHeapMb: number;
}): void {
  const problem = workflowCacheProblem(config.temporal.cachedWorkflows, config.workerHeapMb);
  if (!problem) return;
  process.stderr.write(`${problem}\n`);
  process.exit(2);
}
