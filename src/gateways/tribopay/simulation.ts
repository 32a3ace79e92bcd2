import { brazilClock } from '../fixtures';
import { presentSharedToken, type SimulatedPayment, type Simulation } from '../simulation';
import { toStatus } from '../vocabulary';

export const tribopaySimulation: Simulation = {
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
  method: (method) => method.toLowerCase(),
  body: postback,
  sign: presentSharedToken,
};

/** The postback shape, amount as a string of centavos as TriboPay often sends it. */
function postback(p: SimulatedPayment): Record<string, unknown> {
  const at = brazilClock(p.at).replace('T', ' ');
  const customer =
    p.name !== undefined || p.phone !== undefined
      ? { name: p.name ?? null, phone_number: p.phone ?? null }
      : undefined;
  return {
    token: 'simulated',
    event: 'transaction',
    status: p.status,
    method: p.method,
    created_at: at,
    paid_at: toStatus(p.status) === 'paid' ? at : null,
    ...(customer ? { customer } : {}),
    transaction: { id: p.id, status: p.status, amount: String(p.amountCentavos) },
  };
}
