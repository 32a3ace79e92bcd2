import { spawnWorkerNode, stopProcess, type Spawned } from '../helpers/processes';

/** A node script that reports what the worker would see, then waits to be stopped. */
const REPORT = `
const v8 = require('node:v8');
process.on('SIGTERM', () => { console.log('SIGTERM handled'); process.exit(0); });
console.log(JSON.stringify({
  pid: process.pid,
  execArgv: process.execArgv.filter((flag) => flag.startsWith('--max')),
  heapLimitMib: v8.getHeapStatistics().heap_size_limit / 1024 / 1024,
}));
setInterval(() => {}, 1000);
`;

function killIfRunning(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

interface Report {
  pid: number;
  execArgv: string[];
  heapLimitMib: number;
}

describe('scripts/worker-node.sh', () => {
  let spawned: Spawned | undefined;
  let nodePid: number | undefined;
  afterEach(async () => {
    if (spawned) await stopProcess(spawned, 'SIGKILL');
    // A script that ran node as its child instead of replacing itself would leave it behind.
    if (nodePid && nodePid !== spawned?.child.pid) killIfRunning(nodePid);
    spawned = undefined;
    nodePid = undefined;
  });

  const report = async (s: Spawned): Promise<Report> => {
    await s.waitFor(/^\{.*\}$/m);
    const seen = JSON.parse(/^\{.*\}$/m.exec(s.output())![0]) as Report;
    nodePid = seen.pid;
    return seen;
  };

  test('replaces itself with node given the heap flags, so a SIGTERM reaches node’s own handler', async () => {
    spawned = spawnWorkerNode(['-e', REPORT], { WORKER_HEAP_MB: '1024' });

    const seen = await report(spawned);
    // The same process, not a child: signals and the exit code are node's, as if it were started directly.
    expect(seen.pid).toBe(spawned.child.pid);
    expect(seen.execArgv).toEqual(['--max-semi-space-size=2', '--max-old-space-size=1024']);
    expect(seen.heapLimitMib).toBe(1024 + 6);

    spawned.child.kill('SIGTERM');
    expect(await spawned.exited).toBe(0);
    expect(spawned.output()).toContain('SIGTERM handled');
  });

  test('without WORKER_HEAP_MB, node gets the workers’ 512 MiB', async () => {
    spawned = spawnWorkerNode(['-e', REPORT], {});

    expect((await report(spawned)).execArgv).toContain('--max-old-space-size=512');
  });

  test('node’s exit code is the script’s', async () => {
    spawned = spawnWorkerNode(['-e', 'process.exit(7)'], {});

    expect(await spawned.exited).toBe(7);
  });
});
