import type { SimulatedPayment, Simulation } from '../simulation';
import { asaasPixCharge, asaasWebhookBody } from './fixtures';

/** The event Asaas names each status change with (docs/gateways.md). */
const EVENTS: Readonly<Record<string, string>> = {
  PENDING: 'PAYMENT_CREATED',
  OVERDUE: 'PAYMENT_OVERDUE',
  RECEIVED: 'PAYMENT_RECEIVED',
  CONFIRMED: 'PAYMENT_CONFIRMED',
  REFUNDED: 'PAYMENT_REFUNDED',
};

/**
 * A charge's event as Asaas posts it, in reais. Its phone is not in it: the customer's
 * record at ASAAS_API_URL has it. Cancelling is an event (`PAYMENT_DELETED`), not a
 * status, so `--status cancelled` is refused rather than guessed.
 */
export const asaasSimulation: Simulation = {
  usual: {
    waiting: 'PENDING',
    paid: 'RECEIVED',
    refunded: 'REFUNDED',
    chargedback: 'CHARGEBACK_REQUESTED',
  },
  own: [
    'PENDING',
    'OVERDUE',
    'RECEIVED',
    'CONFIRMED',
    'RECEIVED_IN_CASH',
    'REFUNDED',
    'REFUND_REQUESTED',
    'REFUND_IN_PROGRESS',
    'CHARGEBACK_REQUESTED',
    'CHARGEBACK_DISPUTE',
    'AWAITING_CHARGEBACK_REVERSAL',
    'DUNNING_REQUESTED',
    'DUNNING_RECEIVED',
    'AWAITING_RISK_ANALYSIS',
  ],
  method: (method) => method.toUpperCase(),
  body: (p: SimulatedPayment) =>
    asaasWebhookBody(
      EVENTS[p.status] ?? 'PAYMENT_UPDATED',
      asaasPixCharge(p.id, {
        billingType: p.method,
        status: p.status,
        value: p.amountCentavos / 100,
        dateCreated: p.at.toISOString().slice(0, 10),
      }),
    ),
  async sign(_rawBody, { asaas }) {
    if (!asaas.webhookToken) return { unavailable: 'ASAAS_WEBHOOK_TOKEN is not set' };
    return { headers: { 'asaas-access-token': asaas.webhookToken } };
  },
};
