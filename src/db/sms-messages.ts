import { SMS_STATUS_RANK, smsStatusRank, UNKNOWN_SMS_RANK } from '../domain/sms-status';
import { toDate, type Db } from './connect';

export interface SmsRow {
  id: number;
  workflowId: string;
  step: number;
  gateway: string;
  paymentId: string;
  toE164: string;
  body: string;
  twilioSid: string | null;
  status: string;
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
export async function claimSmsRow(db: Db, sms: NewSms): Promise<SmsRow> {
  const now = new Date();
  await db('sms_messages')
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
  const row = await db('sms_messages')
    .where({ workflow_id: sms.workflowId, step: sms.step })
    .first();
  return fromRow(row);
}

/**
 * Counted before each Twilio call: attempts > 0 means a message may already exist. With
 * `attemptAt` (recovery SMS, which are retried), the call's outcome is unknown until it
 * answers: marked now, so a worker that dies mid-call leaves the row as cautious as a
 * timeout would. An earlier unknown time is kept.
 */
export async function countAttempt(db: Db, id: number, attemptAt?: Date): Promise<void> {
  const unknown = attemptAt
    ? { outcome_unknown_since: db.raw('coalesce(outcome_unknown_since, ?)', [attemptAt]) }
    : {};
  await db('sms_messages')
    .where({ id })
    .increment('attempts', 1)
    .update({ ...unknown, updated_at: new Date() });
}

/** Twilio answered this attempt clearly (refused it), and no earlier one was in doubt. */
export async function clearOutcomeUnknown(db: Db, id: number): Promise<void> {
  await db('sms_messages')
    .where({ id })
    .update({ outcome_unknown_since: null, updated_at: new Date() });
}

export async function markAccepted(
  db: Db,
  id: number,
  sid: string,
  twilioStatus: string,
): Promise<void> {
  await db('sms_messages').where({ id }).update({
    twilio_sid: sid,
    status: twilioStatus,
    outcome_unknown_since: null, // the message's fate is known: it exists
    sent_at: new Date(),
    updated_at: new Date(),
  });
}

export async function markFailed(
  db: Db,
  id: number,
  status: 'failed' | 'cancelled',
  error: { code: number | null; message: string },
): Promise<void> {
  await db('sms_messages')
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
  db: Db,
  workflowId: string,
  status: 'failed' | 'cancelled',
  ending: string,
): Promise<number[]> {
  const pending = () => db('sms_messages').where({ workflow_id: workflowId, status: 'pending' });
  const why =
    status === 'cancelled'
      ? `${STOPPED_BEFORE_SENDING}: the recovery ended (${ending})`
      : `not sent: the recovery ended (${ending})`;
  const unsent = (await pending().whereNull('outcome_unknown_since').select('step')).map(
    (row: { step: unknown }) => Number(row.step),
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

export async function smsForPayment(db: Db, gateway: string, paymentId: string): Promise<SmsRow[]> {
  const rows = await db('sms_messages')
    .where({ gateway, payment_id: paymentId })
    .orderBy('id', 'asc');
  return rows.map(fromRow);
}

/** What one Twilio status callback says about a message. */
export interface StatusReport {
  sid: string;
  status: string;
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
  db: Db,
  report: StatusReport,
): Promise<StatusReportResult> {
  const now = new Date();
  const changes: Record<string, unknown> = { status: report.status, updated_at: now };
  if (report.errorCode !== null) changes.error_code = report.errorCode;
  if (report.price !== null) changes.price = report.price;
  if (report.priceUnit !== null) changes.price_unit = report.priceUnit;
  if (report.status === 'delivered') changes.delivered_at = now;
  const rank = storedRankSql();
  const updated = await db('sms_messages')
    .where({ twilio_sid: report.sid })
    .whereRaw(`${rank.sql} < ?`, [...rank.bindings, smsStatusRank(report.status)])
    .update(changes);
  if (updated > 0) return 'recorded';
  const known: unknown = await db('sms_messages').where({ twilio_sid: report.sid }).first('id');
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

export function fromRow(row: Record<string, unknown>): SmsRow {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    id: Number(row.id),
    workflowId: String(row.workflow_id),
    step: Number(row.step),
    gateway: String(row.gateway),
    paymentId: String(row.payment_id),
    toE164: String(row.to_e164),
    body: String(row.body),
    twilioSid: str(row.twilio_sid),
    status: String(row.status),
    errorCode: num(row.error_code),
    errorMessage: str(row.error_message),
    price: str(row.price),
    priceUnit: str(row.price_unit),
    attempts: Number(row.attempts),
    outcomeUnknownSince: toDate(row.outcome_unknown_since),
    createdAt: toDate(row.created_at)!,
    updatedAt: toDate(row.updated_at)!,
    sentAt: toDate(row.sent_at),
    deliveredAt: toDate(row.delivered_at),
  };
}
