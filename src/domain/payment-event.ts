/**
 * The one normalised shape every gateway adapter produces. The workflow, the API,
 * the audit tables and the logs all speak in these terms.
 */
export const GATEWAYS = [
  'tribopay',
  'ghostpay',
  'mercadopago',
  'asaas',
  'stripe',
  'pagarme',
] as const;
export type Gateway = (typeof GATEWAYS)[number];

/**
 * `waiting` is the only status that can lead to an SMS. The terminal ones end a
 * recovery (docs/gateways.md: "the sale is over either way"). `other` is recorded and
 * changes nothing (e.g. TriboPay's `antifraud`, or a spelling we have never seen).
 */
export const PAYMENT_STATUSES = [
  'waiting',
  'paid',
  'refused',
  'cancelled',
  'refunded',
  'chargedback',
  'other',
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const TERMINAL_STATUSES: readonly PaymentStatus[] = [
  'paid',
  'refused',
  'cancelled',
  'refunded',
  'chargedback',
];

export function isTerminal(status: PaymentStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export const PAYMENT_METHODS = ['pix', 'credit_card', 'debit_card', 'boleto', 'other'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export interface Customer {
  name: string | null;
  email: string | null;
  /** The phone exactly as the gateway sent it; normalise with `normalizePhone`. */
  phone: string | null;
}

/** A link the webhook carried that the SMS will not: which field and why. */
export interface WithheldLink {
  field: 'checkoutUrl' | 'pixCode';
  reason: string;
}

export interface PaymentEvent {
  gateway: Gateway;
  paymentId: string;
  /** null when the webhook does not say (TriboPay's minimal `paid` postback). */
  method: PaymentMethod | null;
  rawMethod: string | null;
  status: PaymentStatus;
  rawStatus: string;
  amountCentavos: number | null;
  customer: Customer;
  /** A link the customer can use to pay (checkout page or PIX copy-and-paste code). */
  checkoutUrl: string | null;
  pixCode: string | null;
  /**
   * Set on a thin webhook: it names the payment but lacks what a recovery needs, which the
   * gateway's API supplies (the enrichment activity) before anything is decided.
   */
  needsEnrichment?: boolean;
  /** Links dropped by the recipient policy (untrusted host, invalid BR Code), if any. */
  withheld?: WithheldLink[];
  /** The gateway's own timestamps, as ISO-8601 UTC strings, or null. */
  createdAt: string | null;
  updatedAt: string | null;
  paidAt: string | null;
}

/** An event that names the payment and its status, and knows nothing else about it. */
export function bareEvent(
  gateway: Gateway,
  paymentId: string,
  status: PaymentStatus,
  rawStatus: string,
): PaymentEvent {
  return {
    gateway,
    paymentId,
    method: null,
    rawMethod: null,
    status,
    rawStatus,
    amountCentavos: null,
    customer: { name: null, email: null, phone: null },
    checkoutUrl: null,
    pixCode: null,
    createdAt: null,
    updatedAt: null,
    paidAt: null,
  };
}
