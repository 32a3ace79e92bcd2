import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knex from 'knex';
import { createDb, type Db } from '../../src/db/connect';
import { migrateLatest } from '../../src/db/migrate';
import { eventually } from './processes';

export const PG_ADMIN_URL =
  process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDb {
  db: Db;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, migrated SQLite file in a temp folder. */
export async function sqliteTestDb(): Promise<TestDb> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recovery-db-'));
  const filename = path.join(dir, 'recovery.sqlite3');
  const db = createDb({ client: 'sqlite', filename });
  await migrateLatest(db);
  return {
    db,
    url: `sqlite:${filename}`,
    async drop() {
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh PostgreSQL database of its own on the local server, migrated unless told not to. */
export async function pgTestDb(options: { migrate?: boolean } = {}): Promise<TestDb> {
  const name = `recovery_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = knex({ client: 'pg', connection: PG_ADMIN_URL, pool: { min: 0, max: 1 } });
  await admin.raw(`create database ${name}`);
  const url = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  const db = createDb({ client: 'pg', url });
  if (options.migrate !== false) await migrateLatest(db);
  return {
    db,
    url,
    async drop() {
      await db.destroy();
      await admin.raw(`drop database if exists ${name} with (force)`);
      await admin.destroy();
    },
  };
}

/**
 * Waits until webhook event `eventId` carries `outcome`: an outcome Temporal decides (a
 * recovery already closed) is recorded after the answer, when the outbox hands it off.
 */
export async function untilEventOutcome(db: Db, eventId: number, outcome: string): Promise<void> {
  await eventually(
    async () => (await db('webhook_events').where({ id: eventId }).first())?.outcome === outcome,
    15_000,
    `event ${eventId} recorded as ${outcome}`,
  );
}
