import type { PaymentUpdate } from '../../workflows/definitions';
import type { Gateway } from '../domain/payment-event';
import { isPostgres, toDate } from './connect';
import { table, type Queryable } from './rows';

/** A stored webhook waiting to be signalled to its payment's workflow. */
export interface OutboxEntry {
  id: number;
  webhookEventId: number;
  gateway: Gateway;
  paymentId: string;
  update: PaymentUpdate;
  createdAt: Date;
  /** Set when this process claimed the row as it stored it: it hands the row off itself. */
  claimedUntil: Date | null;
}

export interface NewOutboxEntry {
  webhookEventId: number;
  gateway: Gateway;
  paymentId: string;
  update: PaymentUpdate;
  createdAt: Date;
  claimedUntil: Date | null;
}

export async function insertOutboxEntry(
  db: Queryable,
  entry: NewOutboxEntry,
): Promise<OutboxEntry> {
  const [row] = await table(db, 'outbox')
    .insert({
      webhook_event_id: entry.webhookEventId,
      gateway: entry.gateway,
      payment_id: entry.paymentId,
      payload: JSON.stringify(entry.update),
      created_at: entry.createdAt,
      claimed_until: entry.claimedUntil,
    })
    .returning<{ id: number | string }[]>('id');
  return { ...entry, id: Number(row.id) };
}

/**
 * Claims the oldest rows nobody holds (never claimed, or a claim that ran out) until
 * `until`. On PostgreSQL the inner select locks the rows it picks and skips rows another
 * process is claiming at that moment (`for update skip locked`), so any number of API
 * processes sweep one table and each row goes to one of them. SQLite has one writer
 * process, and one statement is atomic there.
 */
export async function claimOutboxEntries(
  db: Queryable,
  limit: number,
  until: Date,
  now = new Date(),
): Promise<OutboxEntry[]> {
  const free = table(db, 'outbox')
    .select('id')
    .whereRaw('(claimed_until is null or claimed_until < ?)', [now])
    .orderBy('id')
    .limit(limit);
  if (isPostgres(db)) free.forUpdate().skipLocked();
  const rows = await table(db, 'outbox')
    .whereIn('id', free)
    .update({ claimed_until: until, attempts: db.raw('attempts + 1') })
    .returning<Record<string, unknown>[]>([
      'id',
      'webhook_event_id',
      'gateway',
      'payment_id',
      'payload',
      'created_at',
      'claimed_until',
    ]);
  return rows.map(entryFrom).sort((a, b) => a.id - b.id);
}

/**
 * Temporal has the signal: the row goes, and its webhook event is marked handed off. An
 * outcome only Temporal could decide (the recovery was already closed) replaces the one
 * given when the webhook was stored.
 */
export async function completeOutboxEntry(
  db: Queryable,
  entry: OutboxEntry,
  outcome: string | null,
  at = new Date(),
): Promise<void> {
  await db.transaction(async (trx) => {
    await table(trx, 'outbox').where({ id: entry.id }).delete();
    await table(trx, 'webhook_events')
      .where({ id: entry.webhookEventId })
      .update(outcome ? { handed_off_at: at, outcome } : { handed_off_at: at });
  });
}

/** The hand-off failed: the row is free for the next sweep, oldest first as before. */
export async function releaseOutboxEntry(db: Queryable, id: number, error: string): Promise<void> {
  await table(db, 'outbox')
    .where({ id })
    .update({ claimed_until: null, last_error: error.slice(0, 256) });
}

export interface OutboxBacklog {
  pending: number;
  /** Age of the oldest row, null when there is none. */
  oldestAgeSeconds: number | null;
}

export async function outboxBacklog(db: Queryable, now = new Date()): Promise<OutboxBacklog> {
  const row = await table(db, 'outbox').first<{ pending: number | string; oldest: unknown }>(
    db.raw('count(*) as pending'),
    db.raw('min(created_at) as oldest'),
  );
  const oldest = toDate(row?.oldest ?? null);
  return {
    pending: Number(row?.pending ?? 0),
    oldestAgeSeconds: oldest ? Math.max(0, (now.getTime() - oldest.getTime()) / 1000) : null,
  };
}

function entryFrom(row: Record<string, unknown>): OutboxEntry {
  return {
    id: Number(row.id),
    webhookEventId: Number(row.webhook_event_id),
    gateway: row.gateway as Gateway,
    paymentId: String(row.payment_id),
    update: JSON.parse(String(row.payload)) as PaymentUpdate,
    createdAt: toDate(row.created_at)!,
    claimedUntil: toDate(row.claimed_until),
  };
}
