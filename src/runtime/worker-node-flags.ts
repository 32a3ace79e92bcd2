/**
 * The V8 heap flags every worker process is started with: `npm start` (worker and API in one
 * process), `npm run start:worker` and docker-compose.yml's `worker` get them from
 * scripts/worker-node.sh, the bench's workers through NODE_OPTIONS
 * (test/ops/deployment-files.test.ts checks that they agree). V8 sizes its heaps from the
 * machine's memory, not from what the worker holds: on a 24 GiB host the young generation of
 * each of the worker's two isolates (the activities' and the workflow thread's) grew to
 * 32 MiB, and an old space of ~25 MiB live was let grow to ~100 MiB before its next full
 * collection (growth factor 4 with a heap limit of 2 GiB or more; ≤ 1.4 with 512 MiB).
 * BENCHMARKS.md, "Worker memory", has the measurements behind these values.
 */
export const DEFAULT_WORKER_HEAP_MB = 512;

/** The old space is WORKER_HEAP_MB (MiB, as V8 counts them); the young generation stays small. */
export function workerNodeFlags(heapMb: number): string[] {
  return ['--max-semi-space-size=2', `--max-old-space-size=${heapMb}`];
}
