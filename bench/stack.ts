import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knex, { type Knex } from 'knex';
import { createDb, type Db } from '../src/db/connect';
import { migrateLatest } from '../src/db/migrate';
import { projectRoot, toolPath } from '../src/embedded/project';
import {
  DEV_SERVER_SQLITE_PRAGMAS,
  dynamicConfigArgs,
  sqlitePragmaArgs,
  temporalAnswers,
} from '../src/embedded/temporal-dev-server';
import { envSchema } from '../src/config/schema';
import { workerNodeFlags } from '../src/runtime/worker-node-flags';
import { DEV_ACCOUNT_SID, randomAuthToken } from '../src/twilio-emulator';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../workflows/definitions';
import { freePort } from './ports';
import { sleep, startProcess, stopGroup, type Started } from './processes';

export const ROOT = projectRoot();
/**
 * `pix_bench_<pid>`: two benches on one machine (or a bench and a test) never drop each
 * other's database; one left by a bench that was killed is dropped by the next.
 */
const BENCH_DB_PREFIX = 'pix_bench_';
export const BENCH_DB = `${BENCH_DB_PREFIX}${process.pid}`;
export const TASK_QUEUE = 'bench-recovery';
const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Where one bench process keeps its scratch files (dev-server database, logs). */
export const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pix-bench-'));

/** The bench database, dropped and created again, then migrated. */
export async function freshDatabase(): Promise<{ url: string; db: Db }> {
  const admin = knex({ client: 'pg', connection: PG_ADMIN_URL, pool: { min: 0, max: 1 } });
  try {
    for (const name of await orphanedDatabases(admin)) {
      await admin.raw(`drop database if exists ${name} with (force)`);
    }
    await admin.raw(`drop database if exists ${BENCH_DB} with (force)`);
    await admin.raw(`create database ${BENCH_DB}`);
  } finally {
    await admin.destroy();
  }
  const url = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${BENCH_DB}`);
  const db = createDb({ client: 'pg', url });
  await migrateLatest(db);
  return { url, db };
}

/** Bench databases whose bench process is gone. */
async function orphanedDatabases(admin: Knex): Promise<string[]> {
  const rows = await admin
    .select<{ datname: string }[]>('datname')
    .from('pg_database')
    .where('datname', 'like', `${BENCH_DB_PREFIX}%`);
  return rows
    .map((r) => r.datname)
    .filter((name) => {
      // `pix_bench_<pid>`, or `pix_bench_<pid>_ref` (bench/reference-api.ts).
      const pid = parseInt(name.slice(BENCH_DB_PREFIX.length), 10);
      return Number.isInteger(pid) && pid !== process.pid && !processAlive(pid);
    });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function dropDatabase(): Promise<void> {
  const admin = knex({ client: 'pg', connection: PG_ADMIN_URL, pool: { min: 0, max: 1 } });
  try {
    await admin.raw(`drop database if exists ${BENCH_DB} with (force)`);
  } finally {
    await admin.destroy();
  }
}

export const TEMPORAL_STORES = ['memory', 'file', 'file-journal', 'file-wal'] as const;
export type TemporalStore = (typeof TEMPORAL_STORES)[number];

/** The SQLite pragmas of each file store (`memory` has no file). */
const STORE_PRAGMAS: Record<Exclude<TemporalStore, 'memory'>, readonly string[]> = {
  file: DEV_SERVER_SQLITE_PRAGMAS,
  'file-journal': [],
  'file-wal': ['journal_mode=wal', 'synchronous=normal'],
};

export interface TemporalServer {
  address: string;
  /** The current server process (a restart changes it). */
  pid: number;
  stop(): Promise<void>;
  /** Starts it again on the same port and files: a `file` store keeps its workflows. */
  restart(): Promise<void>;
}

/**
 * `temporal server start-dev` on free loopback ports with our search attributes, as
 * src/embedded starts it, but with a choice of store: `memory` (no persistence), `file`
 * (SQLite as `npm start` uses it: WAL, synced at every commit), `file-journal` (SQLite's
 * default rollback journal, as `npm start` used it before) or `file-wal` (WAL without a sync
 * per commit). Started here rather than through src/embedded, which always persists.
 */
export async function startTemporal(
  label: string,
  store: TemporalStore,
  dynamicConfig: Readonly<Record<string, string>> = {},
): Promise<TemporalServer> {
  // A free port is free only until someone takes it: the stack's other processes pick
  // theirs at the same moment, so a lost race gets new ports rather than ending the run.
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startTemporalOnce(label, store, dynamicConfig);
    } catch (err) {
      if (attempt >= 3 || !String(err).includes('address already in use')) throw err;
    }
  }
}

async function startTemporalOnce(
  label: string,
  store: TemporalStore,
  dynamicConfig: Readonly<Record<string, string>>,
): Promise<TemporalServer> {
  const dir = fs.mkdtempSync(path.join(scratch, `temporal-${label}-`));
  const port = await freePort();
  const persistence =
    store === 'memory' ? [] : ['--db-filename', path.join(dir, 'temporal.sqlite')];
  const pragmas = store === 'memory' ? [] : sqlitePragmaArgs(STORE_PRAGMAS[store]);
  const args = [
    'server',
    'start-dev',
    ...persistence,
    ...pragmas,
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--ui-port',
    String(await freePort()),
    '--namespace',
    'default',
    '--log-level',
    'warn',
    ...dynamicConfigArgs(dynamicConfig),
    ...CUSTOM_SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=Keyword`]),
  ];
  const address = `127.0.0.1:${port}`;
  const launch = async () => {
    const started = startProcess(toolPath('temporal'), args, {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir() },
      cwd: dir,
      logFile: path.join(dir, 'temporal.log'),
    });
    try {
      await waitUntilServing(address, started);
    } catch (err) {
      await started.stop();
      throw err;
    }
    return started;
  };
  let server = await launch();
  const handle: TemporalServer = {
    address,
    pid: server.pid,
    stop: () => server.stop(),
    async restart() {
      await server.stop();
      server = await launch();
      handle.pid = server.pid;
    },
  };
  return handle;
}

async function waitUntilServing(address: string, server: Started): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null) throw new Error(`temporal exited:\n${server.output()}`);
    if (await temporalAnswers(address)) return;
    await sleep(200);
  }
  throw new Error(`temporal dev server did not answer on ${address}:\n${server.output()}`);
}

function nodeEntrypoint(
  name: string,
  env: NodeJS.ProcessEnv,
  label: string,
  distDir = 'dist',
  profile = false,
): Started {
  // No --cpu-prof-name: with one name every thread writes the same file and only the main
  // thread's is left, while the worker's workflows run in threads of their own. Node's
  // default name (CPU.<date>.<time>.<pid>.<thread id>.<seq>) keeps one file per thread.
  const dir = path.join(scratch, 'profiles', label);
  const flags = profile ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
  const script = path.join(path.resolve(ROOT, distDir), 'src/bin', `${name}.js`);
  return startProcess(process.execPath, [...flags, script], {
    env: name === 'worker' ? withWorkerNodeFlags(env) : env,
    cwd: ROOT,
    logFile: path.join(scratch, `${label}.log`),
  });
}

/**
 * A worker runs with the heap flags it ships with (WORKER_HEAP_MB's, as
 * scripts/worker-node.sh gives them), put first in NODE_OPTIONS so that
 * `--service-env NODE_OPTIONS=…` can override them (V8 takes the last value of a flag),
 * e.g. `--compare-env "NODE_OPTIONS=--max-semi-space-size=0 --max-old-space-size=0"` for
 * V8's own defaults.
 */
function withWorkerNodeFlags(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const heapMb = envSchema.shape.WORKER_HEAP_MB.parse(env.WORKER_HEAP_MB);
  const options = [...workerNodeFlags(heapMb), env.NODE_OPTIONS].filter(Boolean).join(' ');
  return { ...env, NODE_OPTIONS: options };
}

export interface StackOptions {
  /** RECOVERY_DELAY for this stack. */
  recoveryDelay: string;
  label: string;
  temporalStore: TemporalStore;
  /** The dev server's dynamic configuration on top of the service's (DEV_SERVER_DYNAMIC_CONFIG). */
  temporalConfig?: Readonly<Record<string, string>>;
  /** API and worker under --cpu-prof. */
  profile?: boolean;
  /** The build whose API and worker run (another checkout's dist/, for before/after). */
  serviceDist?: string;
  /** Overrides of the API's and the worker's environment; an empty value removes the name. */
  serviceEnv?: Record<string, string>;
}

export interface Stack {
  env: Record<string, string>;
  apiUrl: string;
  webhookSecret: string;
  emulatorUrl: string;
  temporal: TemporalServer;
  /** The bench's own connection to pix_bench, for reading results. */
  db: Db;
  api: Started;
  worker: Started;
  emulator: Started;
  /** Another worker process against the same server and database (start-up timing). */
  spawnWorker(label: string, options: { distDir: string; taskQueue: string }): Started;
  stop(): Promise<void>;
}

/**
 * The service as it runs in production, each part its own process: PostgreSQL (a fresh
 * `pix_bench`), `temporal server start-dev`, the worker and the API from `dist/`, and the
 * Twilio emulator standing in for Twilio. Logs at the default level go to files.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((err: unknown) => console.error(err));
    stops.length = 0;
  };
  try {
    const [{ url, db }, temporal, emulator] = await Promise.all([
      freshDatabase(),
      startTemporal(options.label, options.temporalStore, options.temporalConfig),
      startEmulator(options.label),
    ]);
    stops.push(
      dropDatabase,
      () => db.destroy(),
      () => temporal.stop(),
      () => emulator.stop(),
    );
    const webhookSecret = randomBytes(24).toString('hex');
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? os.tmpdir(),
      DATABASE_URL: url,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
      RECOVERY_DELAY: options.recoveryDelay,
      // The bench runs at any hour; quiet hours would hold every SMS until morning.
      QUIET_HOURS: 'off',
      TWILIO_ACCOUNT_SID: DEV_ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: emulator.authToken,
      TWILIO_PHONE_NUMBER: '+15005550006',
      TWILIO_API_URL: emulator.url,
      WEBHOOK_SECRET: webhookSecret,
      // A key of this run's own: the service encrypts Temporal payloads as in production.
      PAYLOAD_KEYS: `bench:${randomBytes(32).toString('base64')}`,
      LOG_LEVEL: 'info',
      PORT: String(await freePort()),
      // As the Dockerfile and package.json's start scripts run the service.
      MALLOC_ARENA_MAX: '2',
    };
    for (const [name, value] of Object.entries(options.serviceEnv ?? {})) {
      if (value === '') delete env[name];
      else env[name] = value;
    }
    const service = (name: 'worker' | 'api') => {
      const started = nodeEntrypoint(
        name,
        env,
        `${options.label}-${name}`,
        options.serviceDist,
        options.profile,
      );
      stops.push(() => started.stop());
      return started;
    };
    const worker = service('worker');
    const api = service('api');
    await Promise.all([worker.waitFor(/worker polling/), api.waitFor(/API listening/)]);
    return {
      env,
      apiUrl: `http://127.0.0.1:${env.PORT}`,
      webhookSecret,
      emulatorUrl: emulator.url,
      temporal,
      db,
      api,
      worker,
      emulator: emulator.process,
      spawnWorker: (label, { distDir, taskQueue }) =>
        nodeEntrypoint('worker', { ...env, TEMPORAL_TASK_QUEUE: taskQueue }, label, distDir),
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** The Twilio emulator on a free loopback port, with an auth token of its own. */
export async function startEmulator(label: string) {
  const port = await freePort();
  const authToken = randomAuthToken();
  const proc = startProcess(
    process.execPath,
    [path.join(ROOT, 'dist/src/bin/twilio-emulator.js')],
    {
      env: {
        PATH: process.env.PATH ?? '',
        TWILIO_EMULATOR_PORT: String(port),
        TWILIO_EMULATOR_HOST: '127.0.0.1',
        TWILIO_AUTH_TOKEN: authToken,
      },
      cwd: ROOT,
      logFile: path.join(scratch, `${label}-emulator.log`),
    },
  );
  await proc.waitFor(/Twilio emulator listening/, 30_000);
  return {
    url: `http://127.0.0.1:${port}`,
    authToken,
    process: proc,
    stop: () => stopGroup(proc.pid, proc.exited),
  };
}

/** Every message the emulator has taken, in the order it took them. */
export async function emulatorMessages(url: string): Promise<{ to: string; receivedAt: string }[]> {
  const res = await fetch(`${url}/__emulator/messages`);
  if (!res.ok) throw new Error(`emulator answered ${res.status}`);
  return (await res.json()) as { to: string; receivedAt: string }[];
}
