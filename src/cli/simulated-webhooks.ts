/**
 * Webhook bodies as each gateway sends them (docs/gateways.md), for `simulate-webhook`: the
 * service sees exactly what a real delivery would bring, quirks included.
 */
import type { Gateway, PaymentStatus } from '../domain/payment-event';
import { toStatus } from '../gateways/vocabulary';

export interface SimulatedPayment {
  id: string;
  /** As the gateway spells it: see `gatewayStatus`. */
  status: string;
  method: string;
  amountCentavos: number;
  name?: string;
  /** As typed: the point is to see how the service reads it. */
  phone?: string;
  at: Date;
}

interface Vocabulary {
  /** Our normalised words, in the gateway's usual spelling. */
  usual: Partial<Record<PaymentStatus, string>>;
  /** Every spelling the gateway is known to send. */
  own: readonly string[];
}

const VOCABULARY: Record<Gateway, Vocabulary> = {
  tribopay: {
    usual: {
      waiting: 'waiting_payment',
      paid: 'paid',
      refused: 'refused',
      cancelled: 'canceled',
      refunded: 'refunded',
      chargedback: 'chargedback',
    },
    own: [
      'waiting_payment',
      'waiting',
      'pending',
      'paid',
      'authorized',
      'refused',
      'canceled',
      'cancelled',
      'refunded',
      'chargedback',
      'antifraud',
    ],
  },
  // docs/gateways.md lists no cancelled status for GhostPay: `--status cancelled` is refused, not guessed.
  ghostpay: {
    usual: {
      waiting: 'PENDING',
      paid: 'APPROVED',
      refused: 'REJECTED',
      refunded: 'REFUNDED',
      chargedback: 'CHARGEBACK',
    },
    own: ['PENDING', 'IN_REVIEW', 'APPROVED', 'REJECTED', 'REFUNDED', 'CHARGEBACK'],
  },
};

/** `waiting` → `waiting_payment` (TriboPay) or `PENDING` (GhostPay); a gateway's own word as it spells it. */
export function gatewayStatus(gateway: Gateway, word: string): string | null {
  const { usual, own } = VOCABULARY[gateway];
  const lower = word.trim().toLowerCase();
  return usual[lower as PaymentStatus] ?? own.find((s) => s.toLowerCase() === lower) ?? null;
}

export function knownStatuses(gateway: Gateway): string[] {
  const { usual, own } = VOCABULARY[gateway];
  return [...new Set([...Object.keys(usual), ...own])];
}

/** TriboPay writes lower case, GhostPay upper case (`pix`, `PIX`). */
export function gatewayMethod(gateway: Gateway, method: string): string {
  return gateway === 'ghostpay' ? method.toUpperCase() : method.toLowerCase();
}

export function webhookBody(gateway: Gateway, payment: SimulatedPayment): Record<string, unknown> {
  return gateway === 'tribopay' ? tribopayPostback(payment) : ghostpayDelivery(payment);
}

/** The postback shape, amount as a string of centavos as TriboPay often sends it. */
function tribopayPostback(p: SimulatedPayment): Record<string, unknown> {
  const paid = toStatus(p.status) === 'paid';
  const customer =
    p.name !== undefined || p.phone !== undefined
      ? { name: p.name ?? null, phone_number: p.phone ?? null }
      : undefined;
  return {
    token: 'simulated',
    event: 'transaction',
    status: p.status,
    method: p.method,
    created_at: brazilWallClock(p.at),
    paid_at: paid ? brazilWallClock(p.at) : null,
    ...(customer ? { customer } : {}),
    transaction: { id: p.id, status: p.status, amount: String(p.amountCentavos) },
  };
}

function ghostpayDelivery(p: SimulatedPayment): Record<string, unknown> {
  const at = p.at.toISOString();
  return {
    paymentId: p.id,
    status: p.status,
    paymentMethod: p.method,
    totalValue: p.amountCentavos,
    customer: { name: p.name ?? null, phone: p.phone ?? null },
    createdAt: at,
    updatedAt: at,
    ...(toStatus(p.status) === 'paid' ? { approvedAt: at } : {}),
  };
}

/**
 * `YYYY-MM-DD HH:MM:SS` in Brazil time, TriboPay's usual format. America/Sao_Paulo is
 * UTC−03:00 all year since daylight saving time ended in 2019.
 */
function brazilWallClock(at: Date): string {
  return new Date(at.getTime() - 3 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}
