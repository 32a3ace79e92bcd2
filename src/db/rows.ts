/**
 * The tables' rows as the drivers hand them back, column for column (see migrations/).
 * PostgreSQL returns `bigint` ids and counts as strings and timestamps as Dates; SQLite
 * returns numbers, timestamps as epoch milliseconds. Each module of src/db maps its rows
 * to the domain's types at its boundary; nothing outside src/db sees these.
 */
import type { Knex } from 'knex';

/** A connection, or a transaction: every function of src/db runs in whichever it is given. */
export type Queryable = Knex | Knex.Transaction;

export type Id = number | string;
export type Timestamp = Date | number | string;
export type Count = number | string;

export interface WebhookEventRow {
  id: Id;
  gateway: string;
  payment_id: string;
  payment_method: string | null;
  raw_method: string | null;
  payment_status: string;
  raw_status: string;
  amount_centavos: number | string | null;
  customer_name: string | null;
  customer_email: string | null;
  customer_phone: string | null;
  phone_e164: string | null;
  phone_error: string | null;
  raw_body: string;
  content_type: string | null;
  normalized: string;
  dedup_key: string;
  outcome: string | null;
  workflow_id: string | null;
  received_at: Timestamp;
  handed_off_at: Timestamp | null;
}

export interface RecoveryEventRow {
  id: Id;
  event_key: string;
  workflow_id: string;
  gateway: string;
  payment_id: string;
  transition: string;
  detail: string | null;
  occurred_at: Timestamp;
  recorded_at: Timestamp;
}

export interface SmsMessageRow {
  id: Id;
  workflow_id: string;
  step: number | string;
  gateway: string;
  payment_id: string;
  to_e164: string;
  body: string;
  twilio_sid: string | null;
  /** An `SmsStatus` (src/domain/sms-status.ts); read through `wordFrom`. */
  status: string;
  error_code: number | string | null;
  error_message: string | null;
  price: string | null;
  price_unit: string | null;
  attempts: number | string;
  outcome_unknown_since: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  sent_at: Timestamp | null;
  delivered_at: Timestamp | null;
}

export interface SuppressedNumberRow {
  id: Id;
  phone_e164: string;
  reason: string;
  detail: string | null;
  created_at: Timestamp;
}

export interface SendClaimRow {
  id: Id;
  phone_e164: string;
  workflow_id: string;
  step: number | string;
  claimed_at: Timestamp;
}

export interface InboundMessageRow {
  message_sid: string;
  received_at: Timestamp;
}

export interface OutboxRow {
  id: Id;
  webhook_event_id: Id;
  gateway: string;
  payment_id: string;
  payload: string;
  created_at: Timestamp;
  claimed_until: Timestamp | null;
  attempts: number | string;
  last_error: string | null;
}

/** The tables by name, so `table(db, 'sms_messages')` is typed by its row. */
export interface Tables {
  webhook_events: WebhookEventRow;
  recovery_events: RecoveryEventRow;
  sms_messages: SmsMessageRow;
  suppressed_numbers: SuppressedNumberRow;
  sms_send_claims: SendClaimRow;
  inbound_messages: InboundMessageRow;
  outbox: OutboxRow;
}

export function table<T extends keyof Tables>(db: Queryable, name: T) {
  return db<Tables[T]>(name);
}

/**
 * A column that holds one of our words (a status, an outcome), read as that word. Every
 * writer is typed with the same list, so another value means a row edited by hand: the
 * read fails naming the column and the value rather than passing an unknown word on.
 */
export function wordFrom<W extends string>(words: readonly W[], column: string, value: string): W {
  if ((words as readonly string[]).includes(value)) return value as W;
  throw new Error(`${column} holds ${JSON.stringify(value)}, not one of: ${words.join(', ')}`);
}

/** What a personal-data column holds once anonymised (raw bodies, message texts). */
export const ERASED = '';
