import type { SimulatedPayment, Simulation } from '../simulation';
import { pagarmeChargeEvent } from './fixtures';

/**
 * `charge.*` events, the charge's own status words. Only Pagar.me holds its signing key,
 * so the CLI signs only when the API checks against a key the CLI can reach: an emulator's.
 */
export const pagarmeSimulation: Simulation = {
  usual: { waiting: 'pending', paid: 'paid', refused: 'failed', cancelled: 'canceled' },
  own: [
    'pending',
    'processing',
    'paid',
    'overpaid',
    'underpaid',
    'canceled',
    'failed',
    'chargedback',
  ],
  method: (method) => method.toLowerCase(),
  body: (p: SimulatedPayment) => {
    const digits = p.phone?.replace(/\D/g, '').replace(/^55(?=\d{10,11}$)/, '');
    const event = pagarmeChargeEvent(
      `or_${p.id}`,
      { status: p.status, method: p.method, name: p.name },
      p.at,
    );
    const customer = {
      ...event.data.customer,
      phones: digits
        ? {
            mobile_phone: {
              country_code: '55',
              area_code: digits.slice(0, 2),
              number: digits.slice(2),
            },
          }
        : {},
    };
    return {
      ...event,
      data: {
        ...event.data,
        amount: p.amountCentavos,
        customer,
        order: { ...event.data.order, id: p.id },
      },
    };
  },
  async sign() {
    return {
      unavailable:
        'only Pagar.me holds the key its webhooks are signed with; run the API with WEBHOOK_AUTH=off to simulate Pagar.me',
    };
  },
};
