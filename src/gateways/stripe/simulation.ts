import type { SimulatedPayment, Simulation } from '../simulation';
import { SESSION_STATES, stripeCheckoutSessionEvent } from './fixtures';
import { stripeSignatureHeader } from './signature';

/**
 * Checkout Session events: of Stripe's PIX events, only they carry the customer's phone.
 * The words are the session's states (`unpaid`: shown the PIX code).
 */
export const stripeSimulation: Simulation = {
  usual: { waiting: 'unpaid', paid: 'paid', refused: 'async_payment_failed', cancelled: 'expired' },
  own: Object.keys(SESSION_STATES),
  method: (method) => method.toLowerCase(),
  body: (p: SimulatedPayment) => {
    const event = stripeCheckoutSessionEvent(
      p.id,
      { status: p.status, method: p.method, name: p.name, phone: p.phone },
      p.at,
    );
    const session = event.data.object;
    return {
      ...event,
      data: {
        object: {
          ...session,
          amount_total: p.amountCentavos,
          // As typed, or none: without phone collection Stripe sends null.
          customer_details: { ...session.customer_details, phone: p.phone ?? null },
        },
      },
    };
  },
  async sign(rawBody, { stripe }, at) {
    const [secret] = stripe.webhookSecrets;
    if (!secret) return { unavailable: 'set STRIPE_WEBHOOK_SECRET, as the API has it' };
    return { headers: { 'stripe-signature': stripeSignatureHeader(rawBody, secret, at) } };
  },
};
