import { TERMINAL_STATUSES, type PaymentEvent } from '../domain/payment-event';
import { toDate, type Db } from './connect';

export interface NewWebhookEvent {
  event: PaymentEvent;
  phoneE164: string | null;
  phoneError: string | null;
  rawBody: string;
  contentType: string | null;
  dedupKey: string;
  receivedAt: Date;
}

export interface StoredWebhookEvent {
  id: number;
  dedupKey: string;
  outcome: string | null;
  workflowId: string | null;
  receivedAt: Date;
  handedOffAt: Date | null;
}

/** The intake's decision, stored with the delivery in the same statement. */
export interface Routing {
  outcome: string;
  workflowId: string | null;
}

/**
 * Writes the delivery, with the outcome the intake decided, unless an identical one is
 * already stored; returns the stored row (for a repeat, the earlier one).
 */
export async function insertWebhookEvent(
  db: Db,
  e: NewWebhookEvent,
  routing: Routing | null = null,
): Promise<{ inserted: boolean; row: StoredWebhookEvent }> {
  const { event } = e;
  const inserted = await db('webhook_events')
    .insert({
      gateway: event.gateway,
      payment_id: event.paymentId,
      payment_method: event.method,
      raw_method: clip(event.rawMethod, 64),
      payment_status: event.status,
      raw_status: clip(event.rawStatus, 64),
      amount_centavos: event.amountCentavos,
      customer_name: clip(event.customer.name, 256),
      customer_email: clip(event.customer.email, 256),
      customer_phone: clip(event.customer.phone, 64),
      phone_e164: e.phoneE164,
      phone_error: e.phoneError,
      raw_body: e.rawBody,
      content_type: clip(e.contentType, 128),
      normalized: JSON.stringify(event),
      dedup_key: e.dedupKey,
      received_at: e.receivedAt,
      outcome: routing?.outcome ?? null,
      workflow_id: routing?.workflowId ?? null,
    })
    .onConflict('dedup_key')
    .ignore()
    .returning<Record<string, unknown>[]>(STORED_COLUMNS);
  // A new delivery comes back from the insert itself; only a repeat needs a second look.
  if (inserted.length > 0) return { inserted: true, row: summary(inserted[0]) };
  const row = await db('webhook_events')
    .where({ dedup_key: e.dedupKey })
    .first<Record<string, unknown>>(...STORED_COLUMNS);
  return { inserted: false, row: summary(row) };
}

const STORED_COLUMNS = [
  'id',
  'dedup_key',
  'outcome',
  'workflow_id',
  'received_at',
  'handed_off_at',
];

export async function recordOutcome(
  db: Db,
  id: number,
  outcome: string,
  workflowId: string | null,
  handedOff: boolean,
): Promise<void> {
  await db('webhook_events')
    .where({ id })
    .update({ outcome, workflow_id: workflowId, handed_off_at: handedOff ? new Date() : null });
}

/**
 * Other deliveries for this payment that were routed to its workflow (handed off, or
 * waiting in the outbox to be).
 */
export function routedDeliveries(db: Db, gateway: string, paymentId: string, exceptId?: number) {
  const query = db('webhook_events')
    .where({ gateway, payment_id: paymentId })
    .whereIn('outcome', ['scheduled', 'signalled']);
  if (exceptId !== undefined) query.whereNot({ id: exceptId });
  return query.select('id');
}

/** Deliveries for this payment that carried a status ending the sale. */
export function endingDeliveries(db: Db, gateway: string, paymentId: string) {
  return db('webhook_events')
    .where({ gateway, payment_id: paymentId })
    .whereIn('payment_status', TERMINAL_STATUSES as string[])
    .select('id');
}

/** Whether any delivery for this payment carried a status that ends the sale. */
export async function paymentEnded(db: Db, gateway: string, paymentId: string): Promise<boolean> {
  const row = await endingDeliveries(db, gateway, paymentId).first();
  return row !== undefined;
}

/**
 * Fits a descriptive copy into its column (widths from the audit-trail migration).
 * PostgreSQL refuses an over-long value, which would turn one odd delivery (a long
 * customer name typed at checkout) into a 503 the gateway retries forever; `raw_body`
 * keeps the full text either way. Cuts by code point, as varchar(n) counts them.
 */
/** PostgreSQL text can't hold U+0000, so normalised copies drop it; raw_body keeps the JSON escape. */
function clip(value: string | null, max: number): string | null {
  if (value === null) return value;
  const text = value.split('\u0000').join('');
  return text.length <= max ? text : [...text].slice(0, max).join('');
}

function summary(row: Record<string, unknown>): StoredWebhookEvent {
  return {
    id: Number(row.id),
    dedupKey: String(row.dedup_key),
    outcome: typeof row.outcome === 'string' ? row.outcome : null,
    workflowId: typeof row.workflow_id === 'string' ? row.workflow_id : null,
    receivedAt: toDate(row.received_at)!,
    handedOffAt: toDate(row.handed_off_at),
  };
}
