import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { workflowCacheFit, workflowCacheProblem } from '../../src/runtime/worker-heap';
import { workerNodeFlags } from '../../src/runtime/worker-node-flags';
import { spawnNpmScript, spawnWorkerNode, stopProcess, type Spawned } from '../helpers/processes';
import { TEST_PAYLOAD_KEYS } from '../helpers/temporal';

const ROOT = path.resolve(__dirname, '../..');

const MIB = 1024 * 1024;
/** The young generation under the workers' flags (--max-semi-space-size=2), on top of the old space. */
const YOUNG_MIB = 6;
/** heap_size_limit under the workers' default flags: 512 MiB of old space and 6 of young generation. */
const WORKER_LIMIT = (512 + YOUNG_MIB) * MIB;

/** The WORKER_HEAP_MB=N (or, for a node started without it, --max-old-space-size=N) a refusal suggests. */
function suggestedHeap(problem: string, setting = 'WORKER_HEAP_MB'): number {
  const match = new RegExp(`${setting}=(\\d+)`).exec(problem);
  if (!match) throw new Error(`no ${setting} in:\n${problem}`);
  return Number(match[1]);
}

describe('the workflow cache against the heap limit', () => {
  test('the default cache and the 600 that buys bursts fit the workers’ default 512 MiB', () => {
    const { workerHeapMb } = loadConfig({});
    expect(workerHeapMb).toBe(512);
    expect(workerNodeFlags(workerHeapMb)).toContain('--max-old-space-size=512');
    expect(workflowCacheProblem(100, 512, WORKER_LIMIT)).toBeNull();
    expect(workflowCacheProblem(600, 512, WORKER_LIMIT)).toBeNull();
    expect(workflowCacheProblem(0, 512, WORKER_LIMIT)).toBeNull();
  });

  test('the largest cache a limit is said to hold fits, and one more does not', () => {
    const { largestCache } = workflowCacheFit(100, WORKER_LIMIT);
    expect(largestCache).toBeGreaterThan(600);
    expect(largestCache).toBeLessThan(5_000);
    expect(workflowCacheFit(largestCache, WORKER_LIMIT).fits).toBe(true);
    expect(workflowCacheFit(largestCache + 1, WORKER_LIMIT).fits).toBe(false);
  });

  test('a cache in the thousands on 512 MiB is refused, naming both settings and a fix that works', () => {
    const problem = workflowCacheProblem(5_000, 512, WORKER_LIMIT);

    expect(problem).toContain('WORKER_CACHED_WORKFLOWS=5000');
    expect(problem).toContain('heap limit (518 MiB)');
    const largest = workflowCacheFit(5_000, WORKER_LIMIT).largestCache;
    expect(problem).toContain(`Lower WORKER_CACHED_WORKFLOWS to ${largest} or less`);
    expect(problem).toContain('(it is 512;');
    // The setting is the fix, not node's flag, which scripts/worker-node.sh sets from it.
    expect(problem).not.toContain('--max-old-space-size');
    // Either fix suggested is enough on its own: the named cache, or the named heap.
    expect(workflowCacheProblem(largest, 512, WORKER_LIMIT)).toBeNull();
    const heapMb = suggestedHeap(problem!);
    expect(workflowCacheProblem(5_000, heapMb, (heapMb + YOUNG_MIB) * MIB)).toBeNull();
  });

  test('a suggested WORKER_HEAP_MB is one the configuration accepts', () => {
    const heapMb = suggestedHeap(workflowCacheProblem(100_000, 512, WORKER_LIMIT)!);
    expect(loadConfig({ WORKER_HEAP_MB: String(heapMb) }).workerHeapMb).toBe(heapMb);
  });

  test('V8’s default limit on a large host (4 GiB) holds such a cache', () => {
    expect(workflowCacheProblem(5_000, 512, 4_144 * MIB)).toBeNull();
  });

  test('a heap too small for the worker itself is told to grow, not to cache fewer', () => {
    const problem = workflowCacheProblem(0, 128, 40 * MIB);

    expect(problem).not.toContain('Lower WORKER_CACHED_WORKFLOWS');
    const oldSpace = suggestedHeap(problem!, '--max-old-space-size');
    expect(workflowCacheProblem(0, 128, (oldSpace + YOUNG_MIB) * MIB)).toBeNull();
  });

  test('a node whose limit is below WORKER_HEAP_MB is told the setting did not reach it, and the flag', () => {
    // WORKER_HEAP_MB=2048, but node was started with --max-old-space-size=512 by hand.
    const problem = workflowCacheProblem(5_000, 2_048, WORKER_LIMIT);

    expect(problem).toContain('WORKER_HEAP_MB=2048 did not reach this node');
    expect(problem).toContain('sh scripts/worker-node.sh dist/src/bin/worker.js');
    const oldSpace = suggestedHeap(problem!, '--max-old-space-size');
    expect(workflowCacheProblem(5_000, 2_048, (oldSpace + YOUNG_MIB) * MIB)).toBeNull();
  });
});

describe.each(['worker', 'start'])(
  'the %s entrypoint started as npm scripts and compose do',
  (name) => {
    const entrypoint = `dist/src/bin/${name}.js`;
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
    const env = (settings: Record<string, string>) => ({
      WORKER_CACHED_WORKFLOWS: '5000',
      PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      WEBHOOK_SECRET: 'worker-heap-webhook-secret-0123',
      DATA_DIR: dataDir,
      ...settings,
    });

    /** The refusal's "heap limit (N MiB)": V8's heap_size_limit as the process read it. */
    const heapLimitIn = (output: string) => Number(/heap limit \((\d+) MiB\)/.exec(output)?.[1]);

    test('by default, with 5,000 cached, refuses to start (exit 2), naming WORKER_HEAP_MB and a value that holds it', async () => {
      spawned = spawnWorkerNode([entrypoint], env({}));

      expect(await spawned.exited).toBe(2);
      const output = spawned.output();
      expect(output).toContain("WORKER_CACHED_WORKFLOWS=5000 does not fit this worker's V8 heap");
      expect(heapLimitIn(output)).toBe(512 + YOUNG_MIB);
      expect(output).toContain(`set WORKER_HEAP_MB=${suggestedHeap(output)} (it is 512;`);
      expect(output).not.toContain('did not reach');
      // Refused before anything was started: no dev server, no database file.
      expect(fs.readdirSync(dataDir)).toEqual([]);
    });

    test('WORKER_HEAP_MB is the heap limit node starts with', async () => {
      spawned = spawnWorkerNode([entrypoint], env({ WORKER_HEAP_MB: '256' }));

      expect(await spawned.exited).toBe(2);
      expect(heapLimitIn(spawned.output())).toBe(256 + YOUNG_MIB);
    });

    test('WORKER_HEAP_MB in a .env in the working directory is the heap limit node starts with', async () => {
      fs.writeFileSync(path.join(dataDir, '.env'), 'WORKER_HEAP_MB=384\n');
      spawned = spawnWorkerNode([path.join(ROOT, entrypoint)], env({}), dataDir);

      expect(await spawned.exited).toBe(2);
      expect(heapLimitIn(spawned.output())).toBe(384 + YOUNG_MIB);
    });

    test.each(['lots', '64', '1.5', '100000'])(
      'WORKER_HEAP_MB=%s is a configuration error naming it, before node is given it',
      async (value) => {
        spawned = spawnWorkerNode([entrypoint], env({ WORKER_HEAP_MB: value, PORT: 'http' }));

        expect(await spawned.exited).toBe(2);
        const output = spawned.output();
        // Reported with the other bad settings, in the service's own words, not node's.
        expect(output).toMatch(
          /^ {2}- WORKER_HEAP_MB: expected a whole number of MiB from 128 to 65536/m,
        );
        expect(output).toMatch(/^ {2}- PORT: /m);
        expect(output).not.toMatch(/bad option|illegal value/);
        expect(output).not.toContain('does not fit');
        expect(fs.readdirSync(dataDir)).toEqual([]);
      },
    );

    // npm start would go on to start a Temporal dev server of its own: the worker alone shows it.
    if (name === 'worker') {
      test('with the WORKER_HEAP_MB the refusal names, the same cache goes past the check', async () => {
        const heapMb = suggestedHeap(workflowCacheProblem(5_000, 512, WORKER_LIMIT)!);
        spawned = spawnWorkerNode([entrypoint], env({ WORKER_HEAP_MB: String(heapMb) }));

        // It gets as far as the database, which nothing serves.
        expect(await spawned.exited).toBe(1);
        expect(spawned.output()).toContain('worker failed: database (pg) unavailable');
        expect(spawned.output()).not.toContain('does not fit');
      });

      test('npm run start:worker starts node with WORKER_HEAP_MB', async () => {
        spawned = spawnNpmScript('start:worker', env({ WORKER_HEAP_MB: '256' }));

        expect(await spawned.exited).toBe(2);
        expect(heapLimitIn(spawned.output())).toBe(256 + YOUNG_MIB);
      });
    }
  },
);
