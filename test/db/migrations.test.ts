import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb, type Db } from '../../src/db/connect';
import { migrateLatest, migrateRollbackAll } from '../../src/db/migrate';
import { migrationSource } from '../../migrations';
import { pgTestDb } from '../helpers/db';
import type { SuppressedNumberRow } from '../../src/db/rows';

const MIGRATIONS = [
  '20261129000100_audit_trail',
  '20261129000200_recovery_rules',
  '20261129000300_suppression_ids',
  '20261129110000_inbound_message_sids',
  '20261129160000_outbox',
  '20261129170000_sms_outcome_unknown',
];
const TABLES = [
  'webhook_events',
  'recovery_events',
  'sms_messages',
  'suppressed_numbers',
  'sms_send_claims',
  'inbound_messages',
  'outbox',
];
const INDEXES: Record<string, string[]> = {
  webhook_events: [
    'webhook_events_dedup_key_unique',
    'webhook_events_payment_idx',
    'webhook_events_received_idx',
    'webhook_events_status_idx',
    'webhook_events_method_idx',
  ],
  recovery_events: [
    'recovery_events_event_key_unique',
    'recovery_events_payment_idx',
    'recovery_events_transition_idx',
    'recovery_events_occurred_idx',
  ],
  suppressed_numbers: ['suppressed_numbers_created_idx', 'suppressed_numbers_phone_unique'],
  sms_send_claims: ['sms_send_claims_one_per_step', 'sms_send_claims_phone_idx'],
  inbound_messages: ['inbound_messages_received_idx'],
  outbox: ['outbox_claim_idx', 'outbox_webhook_event_id_unique'],
  sms_messages: [
    'sms_messages_one_per_step',
    'sms_messages_twilio_sid_unique',
    'sms_messages_payment_idx',
    'sms_messages_status_idx',
    'sms_messages_created_idx',
  ],
};

interface EmptyDb {
  db: Db;
  indexesOf(table: string): Promise<string[]>;
  drop(): Promise<void>;
}

async function emptyPg(): Promise<EmptyDb> {
  const { db, drop } = await pgTestDb({ migrate: false });
  return {
    db,
    drop,
    async indexesOf(table) {
      const { rows } = await db.raw<{ rows: { indexname: string }[] }>(
        'select indexname from pg_indexes where tablename = ?',
        [table],
      );
      return rows.map((row) => row.indexname);
    },
  };
}

async function emptySqlite(): Promise<EmptyDb> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recovery-migrations-'));
  const db = createDb({ client: 'sqlite', filename: path.join(dir, 'recovery.sqlite3') });
  return {
    db,
    async indexesOf(table) {
      const rows = await db('sqlite_master')
        .where({ type: 'index', tbl_name: table })
        .select<{ name: string }[]>('name');
      return rows.map((row) => row.name);
    },
    async drop() {
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

const at = new Date('2026-11-29T12:00:00.000Z');

/**
 * Matched by message, not with toThrow: better-sqlite3's native SqliteError class belongs to
 * the first jest sandbox that loaded it, so in later test files it isn't `instanceof` this
 * realm's Error, and toThrow would report "did not throw" for a real rejection.
 */
const UNIQUE_VIOLATION = { message: expect.stringMatching(/unique/i) as unknown };

const webhookEvent = (dedupKey: string) => ({
  gateway: 'ghostpay',
  payment_id: 'pay_1',
  payment_status: 'waiting',
  raw_status: 'WAITING_PAYMENT',
  raw_body: '{}',
  normalized: '{}',
  dedup_key: dedupKey,
  received_at: at,
});

const recoveryEvent = (eventKey: string) => ({
  event_key: eventKey,
  workflow_id: 'recovery-ghostpay-pay_1',
  gateway: 'ghostpay',
  payment_id: 'pay_1',
  transition: 'waiting',
  occurred_at: at,
  recorded_at: at,
});

const smsMessage = (step: number, twilioSid: string | null = null) => ({
  workflow_id: 'recovery-ghostpay-pay_1',
  step,
  gateway: 'ghostpay',
  payment_id: 'pay_1',
  to_e164: '+5511987654321',
  body: 'Oi, Maria!',
  twilio_sid: twilioSid,
  status: 'sending',
  created_at: at,
  updated_at: at,
});

async function existingTables(db: Db): Promise<string[]> {
  const found = await Promise.all(TABLES.map((table) => db.schema.hasTable(table)));
  return TABLES.filter((_, i) => found[i]);
}

describe.each([
  ['PostgreSQL', emptyPg],
  ['SQLite', emptySqlite],
])('migrations on %s', (_name, open) => {
  let target: EmptyDb;
  let db: Db;

  beforeEach(async () => {
    target = await open();
    db = target.db;
  });
  afterEach(() => target.drop());

  it('bring an empty database up to the audit trail: every table with its named indexes', async () => {
    expect(await existingTables(db)).toEqual([]);
    expect(await migrateLatest(db)).toEqual(MIGRATIONS);
    expect(await existingTables(db)).toEqual(TABLES);
    for (const table of TABLES) {
      expect(await target.indexesOf(table)).toEqual(expect.arrayContaining(INDEXES[table]));
    }
  });

  it('apply nothing the second time', async () => {
    await migrateLatest(db);
    expect(await migrateLatest(db)).toEqual([]);
  });

  it('reject a second webhook event with the same dedup_key', async () => {
    await migrateLatest(db);
    await db('webhook_events').insert(webhookEvent('a'.repeat(64)));
    await expect(db('webhook_events').insert(webhookEvent('a'.repeat(64)))).rejects.toMatchObject(
      UNIQUE_VIOLATION,
    );
    await db('webhook_events').insert(webhookEvent('b'.repeat(64)));
    const [{ n }] = await db('webhook_events').count({ n: '*' });
    expect(Number(n)).toBe(2);
  });

  it('reject a second recovery event with the same event_key', async () => {
    await migrateLatest(db);
    await db('recovery_events').insert(recoveryEvent('recovery-ghostpay-pay_1:waiting'));
    await expect(
      db('recovery_events').insert(recoveryEvent('recovery-ghostpay-pay_1:waiting')),
    ).rejects.toMatchObject(UNIQUE_VIOLATION);
    await db('recovery_events').insert(recoveryEvent('recovery-ghostpay-pay_1:sms_sent'));
    const [{ n }] = await db('recovery_events').count({ n: '*' });
    expect(Number(n)).toBe(2);
  });

  it('allow one SMS per workflow step, and any number still waiting for a Twilio SID', async () => {
    await migrateLatest(db);
    await db('sms_messages').insert(smsMessage(1));
    await expect(db('sms_messages').insert(smsMessage(1))).rejects.toMatchObject(UNIQUE_VIOLATION);
    await db('sms_messages').insert(smsMessage(2));
    const [{ n }] = await db('sms_messages').count({ n: '*' });
    expect(Number(n)).toBe(2);
  });

  it('reject two SMS rows carrying the same Twilio SID', async () => {
    await migrateLatest(db);
    await db('sms_messages').insert(smsMessage(1, 'SM00000000000000000000000000000001'));
    await expect(
      db('sms_messages').insert(smsMessage(2, 'SM00000000000000000000000000000001')),
    ).rejects.toMatchObject(UNIQUE_VIOLATION);
  });

  it('keep the suppression list across the id migration, both ways, oldest entry first', async () => {
    await db.migrate.up({ migrationSource });
    await db.migrate.up({ migrationSource });
    expect(await db.migrate.currentVersion({ migrationSource })).toBe('20261129000200');
    const entry = (phone: string, minutes: number) => ({
      phone_e164: phone,
      reason: 'manual',
      detail: `added at ${minutes}`,
      created_at: new Date(at.getTime() + minutes * 60_000),
    });
    await db('suppressed_numbers').insert([entry('+5511900000002', 2), entry('+5511900000001', 1)]);

    await db.migrate.up({ migrationSource });
    const rows = await db<SuppressedNumberRow>('suppressed_numbers')
      .orderBy('id')
      .select('id', 'phone_e164', 'detail');
    expect(rows.map((r) => [Number(r.id), r.phone_e164, r.detail])).toEqual([
      [1, '+5511900000001', 'added at 1'],
      [2, '+5511900000002', 'added at 2'],
    ]);
    await expect(db('suppressed_numbers').insert(entry('+5511900000001', 3))).rejects.toMatchObject(
      UNIQUE_VIOLATION,
    );

    await db.migrate.down({ migrationSource });
    expect(await db('suppressed_numbers').orderBy('phone_e164').pluck('phone_e164')).toEqual([
      '+5511900000001',
      '+5511900000002',
    ]);
    expect(await target.indexesOf('suppressed_numbers')).toEqual(
      expect.arrayContaining(['suppressed_numbers_created_idx']),
    );
  });

  it('roll everything back, then come up again empty and usable', async () => {
    await migrateLatest(db);
    await db('webhook_events').insert(webhookEvent('c'.repeat(64)));

    expect([...(await migrateRollbackAll(db))].sort()).toEqual(MIGRATIONS);
    expect(await existingTables(db)).toEqual([]);
    for (const table of TABLES) expect(await target.indexesOf(table)).toEqual([]);
    expect(await migrateRollbackAll(db)).toEqual([]);

    expect(await migrateLatest(db)).toEqual(MIGRATIONS);
    expect(await db('webhook_events').select('id')).toEqual([]);
    await db('webhook_events').insert(webhookEvent('c'.repeat(64)));
    await expect(db('webhook_events').insert(webhookEvent('c'.repeat(64)))).rejects.toMatchObject(
      UNIQUE_VIOLATION,
    );
  });
});
