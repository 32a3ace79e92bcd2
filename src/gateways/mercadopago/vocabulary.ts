import type { PaymentMethod, PaymentStatus } from '../../domain/payment-event';

/**
 * Mercado Pago's payment `status` values (docs/gateways.md, from its response-handling
 * tables), keyed in lower case. `authorized` is a card held but not captured and
 * `in_process`/`in_mediation` are reviews and disputes: none is paid yet or over, so they
 * are `other`. `cancelled` covers `expired` (a PIX left unpaid) as well.
 */
const STATUSES: ReadonlyMap<string, PaymentStatus> = new Map(
  Object.entries({
    pending: 'waiting',
    approved: 'paid',
    authorized: 'other',
    in_process: 'other',
    in_mediation: 'other',
    rejected: 'refused',
    cancelled: 'cancelled',
    refunded: 'refunded',
    charged_back: 'chargedback',
  } satisfies Record<string, PaymentStatus>),
);

export function mercadopagoStatus(raw: string): PaymentStatus {
  return STATUSES.get(raw.trim().toLowerCase()) ?? 'other';
}

/** The card types by `payment_type_id`; PIX is told by `payment_method_id` (below). */
const TYPES: ReadonlyMap<string, PaymentMethod> = new Map(
  Object.entries({
    credit_card: 'credit_card',
    debit_card: 'debit_card',
    prepaid_card: 'debit_card',
    ticket: 'boleto',
  } satisfies Record<string, PaymentMethod>),
);

/**
 * PIX is `payment_method_id: "pix"` (with `payment_type_id: "bank_transfer"`); any other
 * method id is named by its type, and an unknown type is `other`.
 */
export function mercadopagoMethod(
  methodId: string | null,
  typeId: string | null,
): PaymentMethod | null {
  if (methodId?.trim().toLowerCase() === 'pix') return 'pix';
  if (methodId === null && typeId === null) return null;
  return TYPES.get((typeId ?? '').trim().toLowerCase()) ?? 'other';
}
