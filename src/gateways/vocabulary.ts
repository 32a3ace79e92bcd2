import type { PaymentMethod, PaymentStatus } from '../domain/payment-event';

/**
 * Every status spelling docs/gateways.md lists, keyed in lower case: the gateways disagree on
 * case (TriboPay `pending`, GhostPay `PENDING`), so matching is case-insensitive.
 */
const STATUSES: ReadonlyMap<string, PaymentStatus> = lookup({
  waiting: 'waiting',
  waiting_payment: 'waiting',
  pending: 'waiting',
  in_review: 'waiting',
  paid: 'paid',
  authorized: 'paid',
  approved: 'paid',
  refused: 'refused',
  rejected: 'refused',
  canceled: 'cancelled',
  cancelled: 'cancelled',
  refunded: 'refunded',
  chargedback: 'chargedback',
  chargeback: 'chargedback',
});

const METHODS: ReadonlyMap<string, PaymentMethod> = lookup({
  pix: 'pix',
  credit_card: 'credit_card',
  debit_card: 'debit_card',
  billet: 'boleto',
  boleto: 'boleto',
});

/**
 * Maps, not plain objects: a webhook's `constructor`, `toString` or `__proto__` must find
 * nothing, not Object.prototype's members.
 */
function lookup<T>(entries: Record<string, T>): ReadonlyMap<string, T> {
  return new Map(Object.entries(entries));
}

/** A spelling we have never seen (e.g. TriboPay's `antifraud`) is `other`: recorded, inert. */
export function toStatus(raw: string): PaymentStatus {
  return STATUSES.get(raw.trim().toLowerCase()) ?? 'other';
}

/** null when the webhook does not name a method; an unknown name is `other`. */
export function toMethod(raw: string | null): PaymentMethod | null {
  if (raw === null || raw.trim() === '') return null;
  return METHODS.get(raw.trim().toLowerCase()) ?? 'other';
}
