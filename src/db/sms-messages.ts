import {
  acceptedSmsStatus,
  SMS_STATUS_RANK,
  SMS_STATUSES,
  smsStatusRank,
  UNKNOWN_SMS_RANK,
  type ReportedSmsStatus,
  type SmsStatus,
} from '../domain/sms-status';
import { toDate } from './connect';
import { keysetPage, withinRange, type PageRequest, type RowPage, type TimeRange } from './pages';
import { ERASED, table, wordFrom, type Count, type Queryable, type SmsMessageRow } from './rows';

export interface SmsRow {
  id: number;
  workflowId: string;
  step: number;
  gateway: string;
  paymentId: string;
  toE164: string;
  body: string;
  twilioSid: string | null;
  status: SmsStatus;
  errorCode: number | null;
  errorMessage: string | null;
  price: string | null;
  priceUnit: string | null;
  attempts: number;
  /**
   * When the earliest Twilio call whose outcome is unknown was made (Temporal's clock: the
   * attempt's schedule time); null while every call got a clear answer.
   */
  outcomeUnknownSince: Date | null;
  createdAt: Date;
  updatedAt: Date;
  sentAt: Date | null;
  deliveredAt: Date | null;
}

export interface NewSms {
  workflowId: string;
  step: number;
  gateway: string;
  paymentId: string;
  toE164: string;
  body: string;
}

/** The one row of a recovery step: created on first use, the same row on every retry. */
export async function claimSmsRow(db: Queryable, sms: NewSms): Promise<SmsRow> {
  const now = new Date();
  await table(db, 'sms_messages')
    .insert({
      workflow_id: sms.workflowId,
      step: sms.step,
      gateway: sms.gateway,
      payment_id: sms.paymentId,
      to_e164: sms.toE164,
      body: sms.body,
      status: 'pending',
      attempts: 0,
      created_at: now,
      updated_at: now,
    })
    .onConflict(['workflow_id', 'step'])
    .ignore();
  const row = await table(db, 'sms_messages')
    .where({ workflow_id: sms.workflowId, step: sms.step })
    .first();
  // Inserted above, or already there: the conflict was this row.
  return smsFrom(row!);
}

/**
 * Counted before each Twilio call: attempts > 0 means a message may already exist. With
 * `attemptAt` (recovery SMS, which are retried), the call's outcome is unknown until it
 * answers: marked now, so a worker that dies mid-call leaves the row as cautious as a
 * timeout would. An earlier unknown time is kept.
 */
export async function countAttempt(db: Queryable, id: number, attemptAt?: Date): Promise<void> {
  const unknown = attemptAt
    ? { outcome_unknown_since: db.raw('coalesce(outcome_unknown_since, ?)', [attemptAt]) }
    : {};
  await table(db, 'sms_messages')
    .where({ id })
    .increment('attempts', 1)
    .update({ ...unknown, updated_at: new Date() });
}

/** Twilio answered this attempt clearly (refused it), and no earlier one was in doubt. */
export async function clearOutcomeUnknown(db: Queryable, id: number): Promise<void> {
  await table(db, 'sms_messages')
    .where({ id })
    .update({ outcome_unknown_since: null, updated_at: new Date() });
}

/** Twilio took the message: its SID, and its status in our words (`acceptedSmsStatus`). */
export async function markAccepted(
  db: Queryable,
  id: number,
  sid: string,
  twilioStatus: string,
  /** When Twilio accepted it: the caller's instant, so a retry reports the same one. */
  acceptedAt: Date = new Date(),
): Promise<void> {
  await table(db, 'sms_messages')
    .where({ id })
    .update({
      twilio_sid: sid,
      status: acceptedSmsStatus(twilioStatus),
      outcome_unknown_since: null, // the message's fate is known: it exists
      sent_at: acceptedAt,
      updated_at: new Date(),
    });
}

export async function markFailed(
  db: Queryable,
  id: number,
  status: 'failed' | 'cancelled',
  error: { code: number | null; message: string },
): Promise<void> {
  await table(db, 'sms_messages')
    .where({ id })
    .update({
      status,
      error_code: error.code,
      error_message: error.message.slice(0, 512),
      updated_at: new Date(),
    });
}

/** How a row reads that its recovery ended before it was sent (`cancelled`). */
export const STOPPED_BEFORE_SENDING = 'stopped before sending';

/**
 * The recovery is over (`ending` is its final transition): its rows still `pending` will
 * never be sent. The activity marks its own row when it sees a stop; this covers the row
 * of an activity the server cancelled during a retry's backoff, or whose retries ran out,
 * which never ran again to say so. A row whose earlier Twilio call got no clear answer
 * keeps `outcome_unknown_since`, and its message says the SMS may exist. Returns the steps
 * settled as certainly unsent, whose send slots can be given back.
 */
export async function settleUnsent(
  db: Queryable,
  workflowId: string,
  status: 'failed' | 'cancelled',
  ending: string,
): Promise<number[]> {
  const pending = () =>
    table(db, 'sms_messages').where({ workflow_id: workflowId, status: 'pending' });
  const why =
    status === 'cancelled'
      ? `${STOPPED_BEFORE_SENDING}: the recovery ended (${ending})`
      : `not sent: the recovery ended (${ending})`;
  const unsent = (await pending().whereNull('outcome_unknown_since').select('step')).map((row) =>
    Number(row.step),
  );
  const updatedAt = new Date();
  await pending()
    .whereNull('outcome_unknown_since')
    .update({ status, error_message: why, updated_at: updatedAt });
  await pending()
    .whereNotNull('outcome_unknown_since')
    .update({
      status,
      error_message: `${why}; an earlier Twilio call got no clear answer: the SMS may exist`,
      updated_at: updatedAt,
    });
  return unsent;
}

export async function smsForPayment(
  db: Queryable,
  gateway: string,
  paymentId: string,
): Promise<SmsRow[]> {
  const rows = await table(db, 'sms_messages')
    .where({ gateway, payment_id: paymentId })
    .orderBy('id', 'asc');
  return rows.map(smsFrom);
}

/** What one Twilio status callback says about a message. */
export interface StatusReport {
  sid: string;
  status: ReportedSmsStatus;
  errorCode: number | null;
  price: string | null;
  priceUnit: string | null;
}

export type StatusReportResult = 'recorded' | 'not_newer' | 'unknown_sid';

/**
 * Applies a status callback with one conditional UPDATE: the row changes only while its
 * stored status ranks below the reported one, so callbacks racing each other, repeated or
 * late can never move it back, and a final status never changes.
 */
export async function recordStatusReport(
  db: Queryable,
  report: StatusReport,
): Promise<StatusReportResult> {
  const now = new Date();
  const changes: Record<string, unknown> = { status: report.status, updated_at: now };
  if (report.errorCode !== null) changes.error_code = report.errorCode;
  if (report.price !== null) changes.price = report.price;
  if (report.priceUnit !== null) changes.price_unit = report.priceUnit;
  if (report.status === 'delivered') changes.delivered_at = now;
  const rank = storedRankSql();
  const updated = await table(db, 'sms_messages')
    .where({ twilio_sid: report.sid })
    .whereRaw(`${rank.sql} < ?`, [...rank.bindings, smsStatusRank(report.status)])
    .update(changes);
  if (updated > 0) return 'recorded';
  const known: unknown = await table(db, 'sms_messages')
    .where({ twilio_sid: report.sid })
    .first('id');
  return known ? 'not_newer' : 'unknown_sid';
}

/**
 * `status` mapped to its rank inside the database, so the comparison happens in the UPDATE
 * itself. Ranks are inlined integers (our own constants): PostgreSQL would type untyped
 * parameters in a CASE as text and compare them as strings.
 */
function storedRankSql(): { sql: string; bindings: (string | number)[] } {
  const entries = Object.entries(SMS_STATUS_RANK);
  const whens = entries.map(([, rank]) => `when ? then ${Math.trunc(rank)}`).join(' ');
  return {
    sql: `(case ?? ${whens} else ${UNKNOWN_SMS_RANK} end)`,
    bindings: ['status', ...entries.map(([status]) => status)],
  };
}

function smsStatusFrom(status: string): SmsStatus {
  return wordFrom(SMS_STATUSES, 'sms_messages.status', status);
}

function smsFrom(row: SmsMessageRow): SmsRow {
  return {
    id: Number(row.id),
    workflowId: row.workflow_id,
    step: Number(row.step),
    gateway: row.gateway,
    paymentId: row.payment_id,
    toE164: row.to_e164,
    body: row.body,
    twilioSid: row.twilio_sid,
    status: smsStatusFrom(row.status),
    errorCode: row.error_code === null ? null : Number(row.error_code),
    errorMessage: row.error_message,
    price: row.price,
    priceUnit: row.price_unit,
    attempts: Number(row.attempts),
    outcomeUnknownSince: toDate(row.outcome_unknown_since),
    createdAt: toDate(row.created_at)!,
    updatedAt: toDate(row.updated_at)!,
    sentAt: toDate(row.sent_at),
    deliveredAt: toDate(row.delivered_at),
  };
}

export interface SmsFilters extends TimeRange {
  status?: string;
  paymentId?: string;
}

/** SMS rows matching `filters`, newest first by creation. */
export async function smsPage(
  db: Queryable,
  filters: SmsFilters,
  page: PageRequest,
): Promise<RowPage<SmsRow>> {
  const query = withinRange(table(db, 'sms_messages'), 'created_at', filters);
  if (filters.status !== undefined) void query.where('status', filters.status);
  if (filters.paymentId !== undefined) void query.where('payment_id', filters.paymentId);
  const { rows, nextAfter } = await keysetPage(db, query, {
    table: 'sms_messages',
    timeColumn: 'created_at',
    page,
  });
  return { rows: rows.map(smsFrom), nextAfter };
}

/** Messages created in the window, by status. */
export async function smsStatusCounts(
  db: Queryable,
  window: Required<TimeRange>,
): Promise<Map<SmsStatus, number>> {
  const rows = await withinRange(table(db, 'sms_messages'), 'created_at', window)
    .select('status')
    .count<{ status: string; n: Count }[]>({ n: '*' })
    .groupBy('status');
  return new Map(rows.map((row) => [smsStatusFrom(row.status), Number(row.n)]));
}

/** Twilio error codes of messages created in the window, most frequent first. */
export async function twilioErrorCounts(
  db: Queryable,
  window: Required<TimeRange>,
): Promise<{ code: number; count: number }[]> {
  const rows = await withinRange(table(db, 'sms_messages'), 'created_at', window)
    .whereNotNull('error_code')
    .select('error_code')
    .count<{ error_code: number | string; n: Count }[]>({ n: '*' })
    .groupBy('error_code')
    .orderBy([{ column: 'n', order: 'desc' }, { column: 'error_code' }]);
  return rows.map((row) => ({ code: Number(row.error_code), count: Number(row.n) }));
}

/** Recovery SMS (test messages have no gateway) created in the window that reached the handset. */
export async function deliveredSmsByGateway(
  db: Queryable,
  window: Required<TimeRange>,
  gateways: readonly string[],
): Promise<Map<string, number>> {
  const rows = await withinRange(table(db, 'sms_messages'), 'created_at', window)
    .where('status', 'delivered')
    .whereIn('gateway', gateways)
    .select('gateway')
    .count<{ gateway: string; n: Count }[]>({ n: '*' })
    .groupBy('gateway');
  return new Map(rows.map((row) => [row.gateway, Number(row.n)]));
}

export interface SmsCount {
  status: SmsStatus;
  /** Twilio's error code, '' when the message has none. */
  errorCode: string;
  count: number;
}

/** Every message ever recorded, by status and error code. */
export async function smsCountsByStatusAndError(db: Queryable): Promise<SmsCount[]> {
  const rows = await table(db, 'sms_messages')
    .groupBy('status', 'error_code')
    .select('status', 'error_code')
    .count<{ status: string; error_code: number | string | null; count: Count }[]>({
      count: '*',
    });
  return rows.map((row) => ({
    status: smsStatusFrom(row.status),
    errorCode: row.error_code === null ? '' : String(row.error_code),
    count: Number(row.count),
  }));
}

/** What anonymising a message needs to read: its recipient. */
export interface PersonalSmsData {
  id: number;
  toE164: string;
}

const personalData = (row: Pick<SmsMessageRow, 'id' | 'to_e164'>) => ({
  id: Number(row.id),
  toE164: row.to_e164,
});

export async function smsForPhone(db: Queryable, phoneE164: string): Promise<PersonalSmsData[]> {
  const rows = await table(db, 'sms_messages')
    .where({ to_e164: phoneE164 })
    .select('id', 'to_e164');
  return rows.map(personalData);
}

/** Messages created before `cutoff` whose text is not yet erased, oldest first. */
export async function smsToAnonymise(
  db: Queryable,
  cutoff: Date,
  limit: number,
): Promise<PersonalSmsData[]> {
  const rows = await table(db, 'sms_messages')
    .where('created_at', '<', cutoff)
    .whereNot({ body: ERASED })
    .orderBy('id')
    .limit(limit)
    .select('id', 'to_e164');
  return rows.map(personalData);
}

/** The text goes, so does Twilio's error text (it can name the number); the recipient is `toE164`. */
export async function anonymiseSms(db: Queryable, id: number, toE164: string): Promise<void> {
  await table(db, 'sms_messages').where({ id }).update({
    to_e164: toE164,
    body: ERASED,
    error_message: null,
  });
}
