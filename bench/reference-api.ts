/**
 * The intake's reference "API without Temporal" (bench/targets/api-without-temporal.ts)
 * as the intake part starts it: the service's app with its Temporal call a no-op, on a
 * database of its own beside the stack's (same PostgreSQL server, same schema). Its relay
 * "hands off" to nothing; on the stack's database a sweep of its own (it sweeps whenever
 * it leaves a row of its own unclaimed) would mark the stack's free rows handed off though
 * the stack's Temporal never got them, and the stack's sweeper would start real recoveries
 * for the reference's webhooks.
 */
import path from 'node:path';
import knex from 'knex';
import { createDb } from '../src/db/connect';
import { migrateLatest } from '../src/db/migrate';
import { projectRoot } from '../src/embedded/project';
import { freePort } from './ports';
import { startProcess } from './processes';

export interface ReferenceApi {
  url: string;
  pid: number;
  /** The database it stores its webhooks in (for its PostgreSQL backends' CPU). */
  database: string;
  stop(): Promise<void>;
}

/**
 * Started with the stack's environment (`env`) but `<stack database>_ref` as its database,
 * created fresh and migrated, dropped by `stop`; from the build `serviceDist`.
 */
export async function startApiWithoutTemporal(options: {
  env: Record<string, string>;
  serviceDist: string;
  logFile: string;
}): Promise<ReferenceApi> {
  const own = await ownDatabase(options.env.DATABASE_URL);
  try {
    const port = await freePort();
    const root = projectRoot();
    const child = startProcess(
      process.execPath,
      [path.join(root, 'dist/bench/targets/api-without-temporal.js')],
      {
        env: {
          ...options.env,
          DATABASE_URL: own.url,
          BENCH_PORT: String(port),
          BENCH_SERVICE_DIST: options.serviceDist,
        },
        cwd: root,
        logFile: options.logFile,
      },
    );
    const stop = async () => {
      await child.stop();
      await own.drop();
    };
    await child.waitFor(/API without Temporal listening/, 30_000).catch(async (err) => {
      await stop();
      throw err;
    });
    return { url: `http://127.0.0.1:${port}`, pid: child.pid, database: own.name, stop };
  } catch (err) {
    await own.drop();
    throw err;
  }
}

async function ownDatabase(stackUrl: string) {
  const url = new URL(stackUrl);
  const name = `${url.pathname.slice(1)}_ref`;
  url.pathname = `/${name}`;
  const onServer = async (statement: string) => {
    const admin = knex({ client: 'pg', connection: stackUrl, pool: { min: 0, max: 1 } });
    try {
      await admin.raw(statement);
    } finally {
      await admin.destroy();
    }
  };
  const drop = () => onServer(`drop database if exists ${name} with (force)`);
  await drop();
  await onServer(`create database ${name}`);
  const db = createDb({ client: 'pg', url: url.toString() });
  try {
    await migrateLatest(db);
  } finally {
    await db.destroy();
  }
  return { name, url: url.toString(), drop };
}
