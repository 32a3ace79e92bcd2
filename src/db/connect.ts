import fs from 'node:fs';
import path from 'node:path';
import knex, { type Knex } from 'knex';
import type { DatabaseConfig } from '../config';

export type Db = Knex;

/**
 * Knex prints warnings with console.log, so into stdout beside our JSON logs, and a failed
 * connection comes with a stack ("Acquire connection error: Error: … at …"). The same error
 * also rejects the query, so one line on stderr is enough.
 */
function toStderr(message: unknown): void {
  process.stderr.write(`knex: ${String(message).split('\n')[0]}\n`);
}
const log = { warn: toStderr, error: toStderr, deprecate: toStderr };

function sqliteConfig(filename: string): Knex.Config {
  fs.mkdirSync(path.dirname(filename), { recursive: true });
  return {
    client: 'better-sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    log,
    // One connection: SQLite serialises writers anyway, and WAL lets readers in the
    // other process (API vs worker) proceed while we write.
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: { pragma(sql: string): unknown }, done: (err: Error | null) => void) {
        conn.pragma('journal_mode = WAL');
        conn.pragma('busy_timeout = 5000');
        conn.pragma('synchronous = NORMAL');
        done(null);
      },
    },
  };
}

export function createDb(config: DatabaseConfig): Db {
  if (config.client === 'sqlite') return knex(sqliteConfig(config.filename));
  return knex({
    client: 'pg',
    connection: { connectionString: config.url, connectionTimeoutMillis: 5_000 },
    pool: { min: 0, max: 10, acquireTimeoutMillis: 5_000 },
    log,
  });
}

/** Whether `db` (a connection or a transaction) talks to PostgreSQL rather than SQLite. */
export function isPostgres(db: Knex): boolean {
  return (db.client as { dialect?: string }).dialect === 'postgresql';
}

/** A cheap round trip, for start-up checks and the health endpoint. */
export async function pingDb(db: Db): Promise<void> {
  await db.raw('select 1');
}

/** SQLite hands back epoch milliseconds, PostgreSQL a Date; callers get a Date. */
export function toDate(value: unknown): Date | null {
  // Typed unknown because Knex rows are untyped; every column we read is one of these.
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  if (typeof value === 'string')
    return /^\d+$/.test(value) ? new Date(Number(value)) : new Date(value);
  throw new TypeError(`not a timestamp: ${typeof value}`);
}
