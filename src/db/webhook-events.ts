import {
  TERMINAL_STATUSES,
  type Gateway,
  type PaymentEvent,
  type PaymentMethod,
  type PaymentStatus,
} from '../domain/payment-event';
import { RECORDED_OUTCOMES, ROUTED_OUTCOMES, type RecordedOutcome } from '../domain/intake-outcome';
import { toDate } from './connect';
import { keysetPage, withinRange, type PageRequest, type RowPage, type TimeRange } from './pages';
import { ERASED, table, wordFrom, type Count, type Queryable, type WebhookEventRow } from './rows';

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
  outcome: RecordedOutcome | null;
  workflowId: string | null;
  receivedAt: Date;
  handedOffAt: Date | null;
}

/** The intake's decision, stored with the webhook in the same statement. */
export interface Routing {
  outcome: RecordedOutcome;
  workflowId: string | null;
}

/**
 * Writes the webhook, with the outcome the intake decided, unless an identical one is
 * already stored; returns the stored row (for a repeat, the earlier one).
 */
export async function insertWebhookEvent(
  db: Queryable,
  e: NewWebhookEvent,
  routing: Routing | null = null,
): Promise<{ inserted: boolean; row: StoredWebhookEvent }> {
  const inserted = await newWebhookEventInsert(db, e, routing);
  // A new webhook comes back from the insert itself; only a repeat needs a second look.
  if (inserted.length > 0) return { inserted: true, row: summary(inserted[0]) };
  const row = await table(db, 'webhook_events')
    .where({ dedup_key: e.dedupKey })
    .first<StoredColumns | undefined>(...STORED_COLUMNS);
  // The conflict that skipped the insert is this row: it exists.
  return { inserted: false, row: summary(row!) };
}

/**
 * The insert of a webhook, which writes nothing for a repeat (same dedup key) and returns
 * the stored columns of what it wrote; a statement of its own, or part of a larger one.
 */
export function newWebhookEventInsert(db: Queryable, e: NewWebhookEvent, routing: Routing | null) {
  const { event } = e;
  return table(db, 'webhook_events')
    .insert({
      gateway: event.gateway,
      payment_id: event.paymentId,
      ...eventColumns(event, e.phoneE164, e.phoneError),
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
    .returning<StoredColumns[]>(STORED_COLUMNS);
}

/** A row returned by `newWebhookEventInsert`. */
export function storedWebhookEvent(row: Record<string, unknown>): StoredWebhookEvent {
  return summary(row as StoredColumns);
}

/** What a webhook says about the payment, in the columns the monitoring reads. */
function eventColumns(event: PaymentEvent, phoneE164: string | null, phoneError: string | null) {
  return {
    payment_method: event.method,
    raw_method: clip(event.rawMethod, 64),
    payment_status: event.status,
    raw_status: clip(event.rawStatus, 64),
    amount_centavos: event.amountCentavos,
    customer_name: clip(event.customer.name, 256),
    customer_email: clip(event.customer.email, 256),
    customer_phone: clip(event.customer.phone, 64),
    phone_e164: phoneE164,
    phone_error: phoneError,
  };
}

/** What the gateway's API answered for a thin webhook, and the outcome when that ends it. */
export interface Enrichment {
  event: PaymentEvent;
  phoneE164: string | null;
  phoneError: string | null;
  /** Set when the answer leads to no SMS (`ignored: no phone`…); otherwise kept. */
  outcome: RecordedOutcome | null;
  enrichedAt: Date;
}

/**
 * Completes a thin webhook's row with the API's answer: its columns then say what the
 * payment was (a `paid` there ends the sale for every later check), `normalized` keeps the
 * answer with its time, and `raw_body` what the gateway posted. Repeats write the same.
 */
export async function recordEnrichment(db: Queryable, id: number, e: Enrichment): Promise<void> {
  await table(db, 'webhook_events')
    .where({ id })
    .update({
      ...eventColumns(e.event, e.phoneE164, e.phoneError),
      normalized: JSON.stringify({ ...e.event, enrichedAt: e.enrichedAt.toISOString() }),
      ...(e.outcome ? { outcome: e.outcome } : {}),
    });
}

const STORED_COLUMNS = [
  'id',
  'dedup_key',
  'outcome',
  'workflow_id',
  'received_at',
  'handed_off_at',
] as const;
type StoredColumns = Pick<WebhookEventRow, (typeof STORED_COLUMNS)[number]>;

export async function recordOutcome(
  db: Queryable,
  id: number,
  outcome: RecordedOutcome,
  workflowId: string | null,
  handedOff: boolean,
): Promise<void> {
  await table(db, 'webhook_events')
    .where({ id })
    .update({ outcome, workflow_id: workflowId, handed_off_at: handedOff ? new Date() : null });
}

/**
 * Other webhooks for this payment that were routed to its workflow (handed off, or
 * waiting in the outbox to be).
 */
export function routedEvents(db: Queryable, gateway: string, paymentId: string, exceptId?: number) {
  const query = table(db, 'webhook_events')
    .where({ gateway, payment_id: paymentId })
    .whereIn('outcome', ROUTED_OUTCOMES);
  if (exceptId !== undefined) query.whereNot({ id: exceptId });
  return query.select('id');
}

/** Webhooks for this payment that carried a status ending the sale. */
export function endingEvents(db: Queryable, gateway: string, paymentId: string) {
  return table(db, 'webhook_events')
    .where({ gateway, payment_id: paymentId })
    .whereIn('payment_status', TERMINAL_STATUSES)
    .select('id');
}

/** Whether any webhook for this payment carried a status that ends the sale. */
export async function paymentEnded(
  db: Queryable,
  gateway: string,
  paymentId: string,
): Promise<boolean> {
  const row: unknown = await endingEvents(db, gateway, paymentId).first();
  return row !== undefined;
}

/**
 * Fits a descriptive copy into its column (widths from the audit-trail migration).
 * PostgreSQL refuses an over-long value, which would turn one odd webhook (a long
 * customer name typed at checkout) into a 503 the gateway retries forever; `raw_body`
 * keeps the full text either way. Cuts by code point, as varchar(n) counts them.
 */
/** PostgreSQL text can't hold U+0000, so normalised copies drop it; raw_body keeps the JSON escape. */
function clip<T extends string | null>(value: T, max: number): T {
  if (value === null) return value;
  const text = value.split('\u0000').join('');
  return (text.length <= max ? text : [...text].slice(0, max).join('')) as T;
}

function outcomeFrom(outcome: string | null): RecordedOutcome | null {
  return outcome === null ? null : wordFrom(RECORDED_OUTCOMES, 'webhook_events.outcome', outcome);
}

function summary(row: StoredColumns): StoredWebhookEvent {
  return {
    id: Number(row.id),
    dedupKey: row.dedup_key,
    outcome: outcomeFrom(row.outcome),
    workflowId: row.workflow_id,
    receivedAt: toDate(row.received_at)!,
    handedOffAt: toDate(row.handed_off_at),
  };
}

/** A stored webhook event, every column. */
export interface WebhookEvent {
  id: number;
  gateway: Gateway;
  paymentId: string;
  paymentMethod: PaymentMethod | null;
  rawMethod: string | null;
  paymentStatus: PaymentStatus;
  rawStatus: string;
  amountCentavos: number | null;
  customerName: string | null;
  customerEmail: string | null;
  customerPhone: string | null;
  phoneE164: string | null;
  phoneError: string | null;
  rawBody: string;
  contentType: string | null;
  /** The normalised PaymentEvent as stored (JSON). */
  normalized: string;
  outcome: RecordedOutcome | null;
  workflowId: string | null;
  receivedAt: Date;
  handedOffAt: Date | null;
}

/** Rows are written through the domain types above, so their words are the domain's. */
function webhookEventFrom(row: WebhookEventRow): WebhookEvent {
  return {
    id: Number(row.id),
    gateway: row.gateway as Gateway,
    paymentId: row.payment_id,
    paymentMethod: row.payment_method as PaymentMethod | null,
    rawMethod: row.raw_method,
    paymentStatus: row.payment_status as PaymentStatus,
    rawStatus: row.raw_status,
    amountCentavos: row.amount_centavos === null ? null : Number(row.amount_centavos),
    customerName: row.customer_name,
    customerEmail: row.customer_email,
    customerPhone: row.customer_phone,
    phoneE164: row.phone_e164,
    phoneError: row.phone_error,
    rawBody: row.raw_body,
    contentType: row.content_type,
    normalized: row.normalized,
    outcome: outcomeFrom(row.outcome),
    workflowId: row.workflow_id,
    receivedAt: toDate(row.received_at)!,
    handedOffAt: toDate(row.handed_off_at),
  };
}

export interface EventFilters extends TimeRange {
  gateway?: Gateway;
  paymentId?: string;
  paymentMethod?: PaymentMethod;
  paymentStatus?: PaymentStatus;
}

/** Received webhook events matching `filters`, newest first. */
export async function eventsPage(
  db: Queryable,
  filters: EventFilters,
  page: PageRequest,
): Promise<RowPage<WebhookEvent>> {
  const equal = {
    gateway: filters.gateway,
    payment_id: filters.paymentId,
    payment_method: filters.paymentMethod,
    payment_status: filters.paymentStatus,
  };
  const query = withinRange(table(db, 'webhook_events'), 'received_at', filters);
  for (const [column, value] of Object.entries(equal))
    if (value !== undefined) void query.where(column, value);
  const { rows, nextAfter } = await keysetPage(db, query, {
    table: 'webhook_events',
    timeColumn: 'received_at',
    page,
  });
  return { rows: rows.map(webhookEventFrom), nextAfter };
}

export async function webhookEventById(db: Queryable, id: number): Promise<WebhookEvent | null> {
  const row = await table(db, 'webhook_events').where({ id }).first();
  return row ? webhookEventFrom(row) : null;
}

/** The payment's latest `limit` events, oldest of them first. */
export async function latestEventsForPayment(
  db: Queryable,
  gateway: Gateway,
  paymentId: string,
  limit: number,
): Promise<WebhookEvent[]> {
  const rows = await table(db, 'webhook_events')
    .where({ gateway, payment_id: paymentId })
    .orderBy([
      { column: 'received_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(limit);
  return rows.map(webhookEventFrom).reverse();
}

export interface WebhookCount {
  gateway: string;
  paymentStatus: string;
  /** null while the webhook waits to be routed. */
  outcome: RecordedOutcome | null;
  count: number;
}

/** Events received in the window, by gateway, payment status and outcome. */
export async function webhookCounts(
  db: Queryable,
  window: Required<TimeRange>,
): Promise<WebhookCount[]> {
  type Counted = { gateway: string; payment_status: string; outcome: string | null; n: Count };
  const rows: Counted[] = await withinRange(table(db, 'webhook_events'), 'received_at', window)
    .select('gateway', 'payment_status', 'outcome')
    .count<Counted[]>({ n: '*' })
    .groupBy('gateway', 'payment_status', 'outcome');
  return rows.map((row) => ({
    gateway: row.gateway,
    paymentStatus: row.payment_status,
    outcome: outcomeFrom(row.outcome),
    count: Number(row.n),
  }));
}

/** Distinct PIX payments with an event received in the window, per gateway. */
export async function pixPaymentsSeen(
  db: Queryable,
  window: Required<TimeRange>,
  gateways: readonly Gateway[],
): Promise<Map<string, number>> {
  const rows = await withinRange(table(db, 'webhook_events'), 'received_at', window)
    .where('payment_method', 'pix')
    .whereIn('gateway', gateways)
    .select('gateway')
    .countDistinct<{ gateway: string; n: Count }[]>({ n: 'payment_id' })
    .groupBy('gateway');
  return new Map(rows.map((row) => [row.gateway, Number(row.n)]));
}

/** What anonymising an event needs to read: its phone and its normalised copy. */
export interface PersonalWebhookData {
  id: number;
  phoneE164: string | null;
  normalized: string;
}

const personalData = (row: Pick<WebhookEventRow, 'id' | 'phone_e164' | 'normalized'>) => ({
  id: Number(row.id),
  phoneE164: row.phone_e164,
  normalized: row.normalized,
});

export async function webhookEventsForPhone(
  db: Queryable,
  phoneE164: string,
): Promise<PersonalWebhookData[]> {
  const rows = await table(db, 'webhook_events')
    .where({ phone_e164: phoneE164 })
    .select('id', 'phone_e164', 'normalized');
  return rows.map(personalData);
}

/** Events received before `cutoff` that still hold personal data, oldest first. */
export async function webhookEventsToAnonymise(
  db: Queryable,
  cutoff: Date,
  limit: number,
): Promise<PersonalWebhookData[]> {
  const rows = await table(db, 'webhook_events')
    .where('received_at', '<', cutoff)
    .whereNot({ raw_body: ERASED })
    .orderBy('id')
    .limit(limit)
    .select('id', 'phone_e164', 'normalized');
  return rows.map(personalData);
}

/** The body goes, so do name and e-mail; the phone columns keep what the caller gives. */
export async function anonymiseWebhookEvent(
  db: Queryable,
  id: number,
  kept: { customerPhone: string | null; phoneE164: string | null; normalized: string },
): Promise<void> {
  await table(db, 'webhook_events').where({ id }).update({
    raw_body: ERASED,
    customer_name: null,
    customer_email: null,
    customer_phone: kept.customerPhone,
    phone_e164: kept.phoneE164,
    normalized: kept.normalized,
  });
}

/** Workflows with an event for the number that is not yet anonymised. */
export async function workflowsForPhone(db: Queryable, phoneE164: string): Promise<string[]> {
  const rows = await table(db, 'webhook_events')
    .where({ phone_e164: phoneE164 })
    .whereNot({ raw_body: ERASED })
    .whereNotNull('workflow_id')
    .distinct('workflow_id');
  return rows.map((row) => row.workflow_id!);
}
