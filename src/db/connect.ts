import fs from 'node:fs';
import path from 'node:path';
import knex, { type Knex } from 'knex';
import type { DatabaseConfig } from '../config';

export type Db = Knex;

function sqliteConfig(filename: string): Knex.Config {
  fs.mkdirSync(path.dirname(filename), { recursive: true });
  return {
    client: 'better-sqlite3',
    connection: { filename },
    useNullAsDefault: true,
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
  });
}

/** A cheap round trip, for start-up checks and the health endpoint. */
export async function pingDb(db: Db): Promise<void> {
  await db.raw('select 1');
}

/** SQLite hands back epoch milliseconds, PostgreSQL a Date; callers get a Date. */
export function toDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  if (typeof value === 'string' && /^\d+$/.test(value)) return new Date(Number(value));
  return new Date(String(value));
}
