import type { RecoveryEvent } from '../db/recovery-events';
import type { SmsRow } from '../db/sms-messages';
import type { WebhookEvent } from '../db/webhook-events';
import { maskPhone, maskPhonesIn } from '../domain/phone';
import type { EventDetail, EventSummary, SmsView, TransitionView } from './shapes';

/** Lists mask phone numbers (LGPD); single-item views show them whole. */
export type PhoneDisplay = 'masked' | 'full';

/** Error messages and notes can name a number too; a list masks those as well. */
export function maskText(value: string | null): string | null {
  return value === null ? null : maskPhonesIn(value);
}

function phone(e164: string | null, display: PhoneDisplay): string | null {
  return e164 !== null && display === 'masked' ? maskPhone(e164) : e164;
}

export function eventSummary(event: WebhookEvent, display: PhoneDisplay): EventSummary {
  return {
    id: event.id,
    gateway: event.gateway,
    paymentId: event.paymentId,
    paymentMethod: event.paymentMethod,
    paymentStatus: event.paymentStatus,
    rawStatus: event.rawStatus,
    amountCentavos: event.amountCentavos,
    phone: phone(event.phoneE164, display),
    phoneError: event.phoneError,
    outcome: event.outcome,
    workflowId: event.workflowId,
    receivedAt: event.receivedAt.toISOString(),
    handedOffAt: event.handedOffAt?.toISOString() ?? null,
  };
}

export function eventDetail(
  event: WebhookEvent,
  caused: Pick<EventDetail['caused'], 'transitions' | 'sms'>,
): EventDetail {
  const summary = eventSummary(event, 'full');
  return {
    ...summary,
    rawMethod: event.rawMethod,
    customer: {
      name: event.customerName,
      email: event.customerEmail,
      phone: event.customerPhone,
    },
    contentType: event.contentType,
    rawBody: event.rawBody,
    normalized: JSON.parse(event.normalized) as Record<string, unknown>,
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

export function transitionView(row: RecoveryEvent): TransitionView {
  return {
    id: row.id,
    workflowId: row.workflowId,
    transition: row.transition,
    detail: row.detail,
    occurredAt: row.occurredAt.toISOString(),
    recordedAt: row.recordedAt.toISOString(),
  };
}
