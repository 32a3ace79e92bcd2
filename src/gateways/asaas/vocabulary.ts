import type { PaymentMethod, PaymentStatus } from '../../domain/payment-event';

/**
 * Asaas charge statuses (docs/gateways.md), keyed in lower case. `OVERDUE` is still
 * waiting: a PIX charge stays payable for 12 months after its due date. `CONFIRMED` counts
 * as paid like `RECEIVED` (whether PIX emits it is unconfirmed; either way the sale is
 * made). Refund and chargeback requests follow a payment, so they end a recovery too.
 * `AUTHORIZED`, `AWAITING_RISK_ANALYSIS` (cards) and `DUNNING_REQUESTED` are `other`.
 */
const STATUSES: ReadonlyMap<string, PaymentStatus> = new Map(
  Object.entries({
    pending: 'waiting',
    overdue: 'waiting',
    received: 'paid',
    confirmed: 'paid',
    received_in_cash: 'paid',
    dunning_received: 'paid',
    refunded: 'refunded',
    refund_requested: 'refunded',
    refund_in_progress: 'refunded',
    chargeback_requested: 'chargedback',
    chargeback_dispute: 'chargedback',
    awaiting_chargeback_reversal: 'chargedback',
    authorized: 'other',
    awaiting_risk_analysis: 'other',
    dunning_requested: 'other',
  } satisfies Record<string, PaymentStatus>),
);

/**
 * The event that removes a charge: its `payment.status` may still read `PENDING`, so the
 * event, not the status, says the sale is off (docs/gateways.md: cancelled = deleted).
 */
export const ASAAS_DELETED_EVENT = 'PAYMENT_DELETED';

export function asaasStatus(raw: string): PaymentStatus {
  return STATUSES.get(raw.trim().toLowerCase()) ?? 'other';
}

/** `billingType`: `PIX`, `BOLETO`, `CREDIT_CARD`, `DEBIT_CARD`; `UNDEFINED` = payer chooses. */
const METHODS: ReadonlyMap<string, PaymentMethod> = new Map(
  Object.entries({
    pix: 'pix',
    boleto: 'boleto',
    credit_card: 'credit_card',
    debit_card: 'debit_card',
  } satisfies Record<string, PaymentMethod>),
);

export function asaasMethod(billingType: string | null): PaymentMethod | null {
  if (billingType === null) return null;
  return METHODS.get(billingType.trim().toLowerCase()) ?? 'other';
}
