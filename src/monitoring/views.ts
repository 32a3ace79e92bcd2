import { toDate } from '../db/connect';
import type { RecoveryEventRow } from '../db/recovery-events';
import type { SmsRow } from '../db/sms-messages';
import type { Gateway, PaymentMethod, PaymentStatus } from '../domain/payment-event';
import { maskPhone, maskPhonesIn } from '../domain/phone';
import type { RecoveryStatus } from '../domain/recovery-status';
import type { EventDetail, EventSummary, SmsView, TransitionView } from './shapes';

/** Lists mask phone numbers (LGPD); single-item views show them whole. */
export type PhoneDisplay = 'masked' | 'full';

type Row = Record<string, unknown>;

const text = (v: unknown) => (typeof v === 'string' ? v : null);
const int = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const iso = (v: unknown) => toDate(v)?.toISOString() ?? null;

/** Error messages and notes can name a number too; a list masks those as well. */
export function maskText(value: string | null): string | null {
  return value === null ? null : maskPhonesIn(value);
}

function phone(e164: string | null, display: PhoneDisplay): string | null {
  return e164 !== null && display === 'masked' ? maskPhone(e164) : e164;
}

/** A `webhook_events` row; values were written through the domain types, so the casts hold. */
export function eventSummary(row: Row, display: PhoneDisplay): EventSummary {
  return {
    id: Number(row.id),
    gateway: row.gateway as Gateway,
    paymentId: String(row.payment_id),
    paymentMethod: text(row.payment_method) as PaymentMethod | null,
    paymentStatus: row.payment_status as PaymentStatus,
    rawStatus: String(row.raw_status),
    amountCentavos: int(row.amount_centavos),
    phone: phone(text(row.phone_e164), display),
    phoneError: text(row.phone_error),
    outcome: text(row.outcome),
    workflowId: text(row.workflow_id),
    receivedAt: iso(row.received_at)!,
    handedOffAt: iso(row.handed_off_at),
  };
}

export function eventDetail(
  row: Row,
  caused: Pick<EventDetail['caused'], 'transitions' | 'sms'>,
): EventDetail {
  const summary = eventSummary(row, 'full');
  return {
    ...summary,
    rawMethod: text(row.raw_method),
    customer: {
      name: text(row.customer_name),
      email: text(row.customer_email),
      phone: text(row.customer_phone),
    },
    contentType: text(row.content_type),
    rawBody: String(row.raw_body),
    normalized: JSON.parse(String(row.normalized)) as Record<string, unknown>,
    caused: { outcome: summary.outcome, workflowId: summary.workflowId, ...caused },
  };
}

export function smsView(row: SmsRow, display: PhoneDisplay): SmsView {
  const { toE164, outcomeUnknownSince, createdAt, updatedAt, sentAt, deliveredAt, ...rest } = row;
  return {
    ...rest,
    errorMessage: display === 'masked' ? maskText(row.errorMessage) : row.errorMessage,
    to: phone(toE164, display)!,
    outcomeUnknownSince: outcomeUnknownSince?.toISOString() ?? null,
    createdAt: createdAt.toISOString(),
    updatedAt: updatedAt.toISOString(),
    sentAt: sentAt?.toISOString() ?? null,
    deliveredAt: deliveredAt?.toISOString() ?? null,
  };
}

export function transitionView(row: RecoveryEventRow): TransitionView {
  return {
    id: row.id,
    workflowId: row.workflowId,
    transition: row.transition as RecoveryStatus,
    detail: row.detail,
    occurredAt: row.occurredAt.toISOString(),
    recordedAt: row.recordedAt.toISOString(),
  };
}
