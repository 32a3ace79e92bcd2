/**
 * deploy/postgres/app-role.sql, which docker compose runs, against the local PostgreSQL:
 * migrations run as the owner, and the app's role can work with rows but not with the
 * schema.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import knex from 'knex';
import { createDb, type Db } from '../../src/db/connect';
import { migrateLatest } from '../../src/db/migrate';
import { PG_ADMIN_URL } from '../helpers/db';

const SQL = path.resolve(__dirname, '../../deploy/postgres/app-role.sql');
const suffix = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
const names = { owner: `owner_${suffix}`, app: `app_${suffix}`, database: `roles_${suffix}` };
const admin = knex({ client: 'pg', connection: PG_ADMIN_URL, pool: { min: 0, max: 1 } });
const urlAs = (role: string) =>
  PG_ADMIN_URL.replace(/\/\/[^@/]+@/, `//${role}@`).replace(/\/[^/]*$/, `/${names.database}`);

function runRoleScript(): Promise<unknown> {
  const args = [
    PG_ADMIN_URL.replace(/\/[^/]*$/, `/${names.database}`),
    '-q',
    '-v',
    `owner=${names.owner}`,
    '-v',
    `app=${names.app}`,
    '-v',
    'app_password=not-used-with-trust-auth',
    '-v',
    `database=${names.database}`,
    '-f',
    SQL,
  ];
  return promisify(execFile)('psql', args);
}

let owner: Db;
let app: Db;

beforeAll(async () => {
  await admin.raw(`create role ${names.owner} login`);
  await admin.raw(`create database ${names.database} owner ${names.owner}`);
  await runRoleScript();
  // Run twice, as compose does on every `up`: it must be safe to repeat.
  await runRoleScript();
  owner = createDb({ client: 'pg', url: urlAs(names.owner) });
  await migrateLatest(owner);
  app = createDb({ client: 'pg', url: urlAs(names.app) });
}, 30_000);

afterAll(async () => {
  await Promise.all([owner?.destroy(), app?.destroy()]);
  await admin.raw(`drop database if exists ${names.database} with (force)`);
  await admin.raw(`drop role if exists ${names.app}`);
  await admin.raw(`drop role if exists ${names.owner}`);
  await admin.destroy();
});

test("the app's role reads, writes and deletes rows of the migrated tables", async () => {
  const [row] = await app('suppressed_numbers')
    .insert({ phone_e164: '+5511987654321', reason: 'manual', created_at: new Date() })
    .returning('id');
  expect(Number(row.id)).toBeGreaterThan(0); // bigint: pg returns it as a string
  await app('suppressed_numbers').where({ id: row.id }).update({ detail: 'checked' });
  expect(await app('suppressed_numbers').where({ id: row.id }).first()).toMatchObject({
    detail: 'checked',
  });
  expect(await app('suppressed_numbers').where({ id: row.id }).delete()).toBe(1);
});

test("the app's role cannot create, alter or drop tables", async () => {
  await expect(app.schema.createTable('intruder', (t) => t.increments())).rejects.toThrow(
    /permission denied/,
  );
  await expect(app.raw('alter table webhook_events add column x int')).rejects.toThrow(
    /must be owner/,
  );
  await expect(app.raw('drop table sms_messages')).rejects.toThrow(/must be owner/);
});
