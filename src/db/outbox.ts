import type { PaymentUpdate } from '../../workflows/definitions';
import type { RecordedOutcome } from '../domain/intake-outcome';
import type { Gateway } from '../domain/payment-event';
import { isPostgres, toDate } from './connect';
import { table, type Queryable } from './rows';
import {
  newWebhookEventInsert,
  storedWebhookEvent,
  type NewWebhookEvent,
  type Routing,
  type StoredWebhookEvent,
} from './webhook-events';

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
  /** Sweeps that claimed the row, this one included: 0 for the intake's own hand-off. */
  attempts: number;
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
  return { ...entry, id: Number(row.id), attempts: 0 };
}

/** The signal's event id for a stored webhook: the workflow drops an id it has seen. */
export function signalEventId(gateway: Gateway, webhookEventId: number): string {
  return `${gateway}:${webhookEventId}`;
}

/** What the intake stores for a webhook that must reach its workflow (`eventId` comes from the row). */
export interface NewWebhookOutbox {
  update: Omit<PaymentUpdate, 'eventId'>;
  createdAt: Date;
  claimedUntil: Date | null;
}

/**
 * PostgreSQL only: a new webhook and, when it must reach its workflow, its outbox row in
 * one statement. A data-modifying `with` commits both or neither, as a transaction would,
 * in one round trip instead of four (begin, two inserts, commit): every webhook pays for
 * each. The row's payload leaves `eventId` out; it is the webhook's id, known only once
 * inserted, and `entryFrom` puts it back. Returns null for a repeat of a stored webhook
 * (its dedup key): nothing was written, and the caller takes the transactional way.
 */
export async function insertWebhookWithOutbox(
  db: Queryable,
  e: NewWebhookEvent,
  routing: Routing,
  outbox: NewWebhookOutbox | null,
): Promise<{ row: StoredWebhookEvent; entry: OutboxEntry | null } | null> {
  const insert = newWebhookEventInsert(db, e, routing);
  if (!outbox) {
    const [row] = await insert;
    return row ? { row: storedWebhookEvent(row), entry: null } : null;
  }
  const { event } = e;
  const result = await db.raw<{ rows: Record<string, unknown>[] }>(
    `with e as (?), o as (
       insert into outbox (webhook_event_id, gateway, payment_id, payload, created_at, claimed_until)
       select e.id, ?, ?, ?, ?, ? from e
       returning id
     )
     select e.*, (select id from o) as outbox_id from e`,
    [
      insert,
      event.gateway,
      event.paymentId,
      JSON.stringify(outbox.update),
      outbox.createdAt,
      outbox.claimedUntil,
    ],
  );
  const [stored] = result.rows;
  if (!stored) return null;
  const row = storedWebhookEvent(stored);
  const entry: OutboxEntry = {
    id: Number(stored.outbox_id),
    webhookEventId: row.id,
    gateway: event.gateway,
    paymentId: event.paymentId,
    update: { ...outbox.update, eventId: signalEventId(event.gateway, row.id) },
    createdAt: outbox.createdAt,
    claimedUntil: outbox.claimedUntil,
    attempts: 0,
  };
  return { row, entry };
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
      'attempts',
    ]);
  return rows.map(entryFrom).sort((a, b) => a.id - b.id);
}

/** A webhook Temporal accepted, when, and the outcome only Temporal could decide (or null). */
export interface HandedOff {
  entry: OutboxEntry;
  outcome: RecordedOutcome | null;
  at: Date;
}

/**
 * Temporal has the signals: their rows go, and their webhooks are marked handed off. An
 * outcome only Temporal could decide (the recovery was already closed) replaces the one
 * given when the webhook was stored. Only a hand-off that still holds its row's claim (the
 * row is there, claimed until the same moment) is recorded: once a sweep took the row over
 * or recorded it, what an older hand-off heard from Temporal is out of date. The relay
 * records the hand-offs that finished together in one call: on PostgreSQL one statement
 * for all of them (a data-modifying `with`, atomic as a transaction), on SQLite one
 * transaction. Resolves with the outbox ids recorded.
 */
export async function completeOutboxEntries(db: Queryable, done: HandedOff[]): Promise<number[]> {
  if (done.length === 0) return [];
  if (isPostgres(db)) {
    const handedOff = done.map(({ entry, outcome, at }) => ({
      id: entry.id,
      claimed_until: entry.claimedUntil?.toISOString() ?? null,
      at: at.toISOString(),
      outcome,
    }));
    const result = await db.raw<{ rows: { id: number | string }[] }>(
      `with d as (
         select * from json_to_recordset(?::json)
           as d(id bigint, claimed_until timestamptz, at timestamptz, outcome text)
       ), gone as (
         delete from outbox o using d
         where o.id = d.id and o.claimed_until is not distinct from d.claimed_until
         returning o.id, o.webhook_event_id
       )
       update webhook_events w set handed_off_at = d.at, outcome = coalesce(d.outcome, w.outcome)
       from gone join d on d.id = gone.id
       where w.id = gone.webhook_event_id
       returning gone.id`,
      [JSON.stringify(handedOff)],
    );
    return result.rows.map((row) => Number(row.id));
  }
  return db.transaction(async (trx) => {
    const recorded: number[] = [];
    for (const { entry, outcome, at } of done) {
      const gone = await heldBy(trx, entry).delete();
      if (gone === 0) continue;
      await table(trx, 'webhook_events')
        .where({ id: entry.webhookEventId })
        .update(outcome ? { handed_off_at: at, outcome } : { handed_off_at: at });
      recorded.push(entry.id);
    }
    return recorded;
  });
}

/**
 * The hand-off failed: the row is free for the next sweep, oldest first as before. A row
 * another hand-off has claimed since is left to that one.
 */
export async function releaseOutboxEntry(
  db: Queryable,
  entry: OutboxEntry,
  error: string,
): Promise<void> {
  await heldBy(db, entry).update({
    claimed_until: null,
    last_error: error.slice(0, 256),
  });
}

/** The entry's row while the claim it was handed off under still stands. */
function heldBy(db: Queryable, entry: OutboxEntry) {
  const row = table(db, 'outbox').where({ id: entry.id });
  return entry.claimedUntil
    ? row.where({ claimed_until: entry.claimedUntil })
    : row.whereNull('claimed_until');
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
    update: withEventId(JSON.parse(String(row.payload)) as PaymentUpdate, row),
    createdAt: toDate(row.created_at)!,
    claimedUntil: toDate(row.claimed_until),
    attempts: Number(row.attempts),
  };
}

/** Rows the intake stored in one statement carry no `eventId`: it is the webhook's id. */
function withEventId(update: PaymentUpdate, row: Record<string, unknown>): PaymentUpdate {
  if (update.eventId) return update;
  return {
    ...update,
    eventId: signalEventId(row.gateway as Gateway, Number(row.webhook_event_id)),
  };
}
