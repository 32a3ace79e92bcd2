import { presentSharedToken, type SimulatedPayment, type Simulation } from '../simulation';
import { toStatus } from '../vocabulary';

// docs/gateways.md lists no cancelled status for GhostPay: `--status cancelled` is refused, not guessed.
export const ghostpaySimulation: Simulation = {
  usual: {
    waiting: 'PENDING',
    paid: 'APPROVED',
    refused: 'REJECTED',
    refunded: 'REFUNDED',
    chargedback: 'CHARGEBACK',
  },
  own: ['PENDING', 'IN_REVIEW', 'APPROVED', 'REJECTED', 'REFUNDED', 'CHARGEBACK'],
  method: (method) => method.toUpperCase(),
  body: webhook,
  sign: presentSharedToken,
};

function webhook(p: SimulatedPayment): Record<string, unknown> {
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
