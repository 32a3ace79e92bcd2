import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../workflows/definitions';
import { toolPath } from './project';

export interface DevServerOptions {
  dbFile: string;
  ip?: string;
  port: number;
  uiPort: number;
  namespace: string;
  /** The server's own output goes here, not to our terminal. */
  logFile: string;
  startTimeoutMs?: number;
  /** The codec server the Web UI decodes payloads through (`--ui-codec-endpoint`). */
  codecEndpoint?: string;
  /** Where the server serves its Prometheus metrics (`--metrics-port`); none when absent. */
  metricsPort?: number;
  /** Dynamic configuration on top of (or replacing values of) DEV_SERVER_DYNAMIC_CONFIG. */
  dynamicConfig?: Readonly<Record<string, string>>;
}

/**
 * The server's dynamic configuration that the service relies on, for every dev server we
 * start (npm start, the tests, the bench); docker-compose.yml sets the same for its server.
 *
 * `system.enableActivityEagerExecution`: when a workflow task schedules an activity on the
 * worker's own task queue and the worker has a free activity slot, the server hands the
 * activity task back in its answer to the task's completion instead of queueing it for a
 * poll. The recovery's SMS activity is such an activity: one matching round trip less per
 * SMS (BENCHMARKS.md, "Eager activity dispatch"). Nothing else changes: the activity keeps its
 * timeouts and retries, and a worker that dies with it is handled as with a polled one.
 */
export const DEV_SERVER_DYNAMIC_CONFIG: Readonly<Record<string, string>> = {
  'system.enableActivityEagerExecution': 'true',
};

/**
 * How the dev server's SQLite file is written, for every dev server we start with a file.
 *
 * `journal_mode=wal`: a commit appends to the write-ahead log and syncs it once, where
 * SQLite's default rollback journal writes and syncs a journal file and the database itself
 * for every commit. Temporal commits for every task it hands out and every completion, so
 * this is most of its disk work (BENCHMARKS.md, "Session 10").
 * `synchronous=full`: the log is synced at every commit, so what Temporal acknowledged (a
 * started recovery, a signal the outbox then marks as handed off) survives a power loss or
 * an operating-system crash, not only a killed process. `normal` would not sync at commit:
 * faster, but a crash of the machine could lose signals the outbox already let go of.
 */
export const DEV_SERVER_SQLITE_PRAGMAS: readonly string[] = [
  'journal_mode=wal',
  'synchronous=full',
];

/** `--sqlite-pragma PRAGMA=VALUE` for each of `pragmas`. */
export function sqlitePragmaArgs(pragmas: readonly string[] = DEV_SERVER_SQLITE_PRAGMAS): string[] {
  return pragmas.flatMap((pragma) => ['--sqlite-pragma', pragma]);
}

/** `--dynamic-config-value KEY=VALUE` for each of the defaults merged with `overrides`. */
export function dynamicConfigArgs(overrides: Readonly<Record<string, string>> = {}): string[] {
  return Object.entries({ ...DEV_SERVER_DYNAMIC_CONFIG, ...overrides }).flatMap(([key, value]) => [
    '--dynamic-config-value',
    `${key}=${value}`,
  ]);
}

export interface DevServer {
  address: string;
  uiUrl: string;
  pid: number;
  stop(): Promise<void>;
}

/** `temporal server start-dev` with SQLite persistence and our search attributes registered. */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  fs.mkdirSync(path.dirname(options.dbFile), { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    options.dbFile,
    ...sqlitePragmaArgs(),
    '--ip',
    ip,
    '--port',
    String(options.port),
    '--ui-port',
    String(options.uiPort),
    '--namespace',
    options.namespace,
    '--log-level',
    'warn',
    ...dynamicConfigArgs(options.dynamicConfig),
    ...(options.metricsPort ? ['--metrics-port', String(options.metricsPort)] : []),
    ...CUSTOM_SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=Keyword`]),
    ...(options.codecEndpoint ? ['--ui-codec-endpoint', options.codecEndpoint] : []),
  ];
  const log = fs.openSync(options.logFile, 'a');
  // Its own process group, so Ctrl-C reaches us first and we stop it after the worker.
  const child = spawn(toolPath('temporal'), args, { stdio: ['ignore', log, log], detached: true });
  fs.closeSync(log);
  const address = `${ip}:${options.port}`;
  try {
    await waitUntilServing(address, child, options.startTimeoutMs ?? 60_000, options.logFile);
  } catch (err) {
    await stopChild(child);
    throw err;
  }
  return {
    address,
    uiUrl: `http://${ip === '0.0.0.0' ? 'localhost' : ip}:${options.uiPort}`,
    pid: child.pid!,
    stop: () => stopChild(child),
  };
}

/** One try: whether a Temporal frontend at `address` answers a system-info call within ~1 s. */
export async function temporalAnswers(address: string): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: '1s' });
    try {
      await connection.workflowService.getSystemInfo({});
      return true;
    } finally {
      await connection.close();
    }
  } catch {
    return false;
  }
}

async function waitUntilServing(
  address: string,
  child: ChildProcess,
  timeoutMs: number,
  logFile: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once('exit', () => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`temporal dev server exited during start-up; see ${logFile}`);
    if (await temporalAnswers(address)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `temporal dev server did not answer on ${address} within ${timeoutMs} ms; see ${logFile}`,
  );
}

/** SIGTERM lets the server flush SQLite; SIGKILL only if it hangs. */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
