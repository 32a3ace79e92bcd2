import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { workflowCacheFit, workflowCacheProblem } from '../../src/runtime/worker-heap';
import { WORKER_NODE_FLAGS } from '../../src/runtime/worker-node-flags';
import { spawnEntrypoint, stopProcess, type Spawned } from '../helpers/processes';
import { TEST_PAYLOAD_KEYS } from '../helpers/temporal';

const MIB = 1024 * 1024;
/** heap_size_limit under the workers' flags: 512 MiB of old space and 6 of young generation. */
const WORKER_LIMIT = 518 * MIB;

/** The --max-old-space-size=N a refusal suggests. */
function suggestedOldSpace(problem: string): number {
  const match = /--max-old-space-size=(\d+)/.exec(problem);
  if (!match) throw new Error(`no --max-old-space-size in:\n${problem}`);
  return Number(match[1]);
}

describe('the workflow cache against the heap limit', () => {
  test('the default cache and the 600 that buys bursts fit the workers’ 512 MiB', () => {
    expect(WORKER_NODE_FLAGS).toContain('--max-old-space-size=512');
    expect(workflowCacheProblem(100, WORKER_LIMIT)).toBeNull();
    expect(workflowCacheProblem(600, WORKER_LIMIT)).toBeNull();
    expect(workflowCacheProblem(0, WORKER_LIMIT)).toBeNull();
  });

  test('the largest cache a limit is said to hold fits, and one more does not', () => {
    const { largestCache } = workflowCacheFit(100, WORKER_LIMIT);
    expect(largestCache).toBeGreaterThan(600);
    expect(largestCache).toBeLessThan(5_000);
    expect(workflowCacheFit(largestCache, WORKER_LIMIT).fits).toBe(true);
    expect(workflowCacheFit(largestCache + 1, WORKER_LIMIT).fits).toBe(false);
  });

  test('a cache in the thousands on 512 MiB is refused, naming both settings and a fix that works', () => {
    const problem = workflowCacheProblem(5_000, WORKER_LIMIT);

    expect(problem).toContain('WORKER_CACHED_WORKFLOWS=5000');
    expect(problem).toContain('heap limit (518 MiB)');
    const largest = workflowCacheFit(5_000, WORKER_LIMIT).largestCache;
    expect(problem).toContain(`Lower WORKER_CACHED_WORKFLOWS to ${largest} or less`);
    // Either fix suggested is enough on its own: the named cache, or the named old space.
    expect(workflowCacheProblem(largest, WORKER_LIMIT)).toBeNull();
    const oldSpace = suggestedOldSpace(problem!);
    expect(workflowCacheProblem(5_000, (oldSpace + 6) * MIB)).toBeNull();
  });

  test('V8’s default limit on a large host (4 GiB) holds such a cache', () => {
    expect(workflowCacheProblem(5_000, 4_144 * MIB)).toBeNull();
  });

  test('a heap too small for the worker itself is told to grow, not to cache fewer', () => {
    const problem = workflowCacheProblem(0, 40 * MIB);

    expect(problem).not.toContain('Lower WORKER_CACHED_WORKFLOWS');
    expect(workflowCacheProblem(0, (suggestedOldSpace(problem!) + 6) * MIB)).toBeNull();
  });
});

describe.each(['worker', 'start'])('the %s entrypoint', (name) => {
  let dataDir: string;
  let spawned: Spawned | undefined;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'worker-heap-'));
  });
  afterEach(async () => {
    if (spawned) await stopProcess(spawned, 'SIGKILL');
    spawned = undefined;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  // Nothing listens at these: the check must come before the database and Temporal.
  const env = (nodeOptions: string) => ({
    NODE_OPTIONS: nodeOptions,
    WORKER_CACHED_WORKFLOWS: '5000',
    PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
    DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
    TEMPORAL_ADDRESS: '127.0.0.1:1',
    WEBHOOK_SECRET: 'worker-heap-webhook-secret-0123',
  });

  test('with 512 MiB of heap and 5,000 cached refuses to start, saying why and how to fix it', async () => {
    spawned = spawnEntrypoint(name, { ...env('--max-old-space-size=512'), DATA_DIR: dataDir });

    expect(await spawned.exited).toBe(2);
    const output = spawned.output();
    expect(output).toContain("WORKER_CACHED_WORKFLOWS=5000 does not fit this worker's V8 heap");
    expect(output).toMatch(/--max-old-space-size=\d+/);
    // Refused before anything was started: no dev server, no database file.
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  // npm start would go on to start a Temporal dev server of its own: the worker alone shows it.
  if (name === 'worker')
    test('with a heap that holds the same cache goes past the check', async () => {
      const oldSpace = suggestedOldSpace(workflowCacheProblem(5_000, WORKER_LIMIT)!);
      spawned = spawnEntrypoint(name, {
        ...env(`--max-old-space-size=${oldSpace}`),
        DATA_DIR: dataDir,
      });

      // It gets as far as the database, which nothing serves.
      expect(await spawned.exited).toBe(1);
      expect(spawned.output()).toContain('worker failed: database (pg) unavailable');
      expect(spawned.output()).not.toContain('does not fit');
    });
});
