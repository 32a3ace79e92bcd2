import { FIXTURE_MOBILE, FIXTURE_NOW, type Sale } from '../fixtures';

/** A BR Code as Stripe shows it in `pix_display_qr_code.data` (its CRC16 verifies). */
export const STRIPE_PIX_CODE =
  '00020101021226760014br.gov.bcb.pix2554pix.example.com/qr/v2/9d36b84fc70b478fb95c12729b90ca25520400005303986540549.905802BR5912Loja Exemplo6009SAO PAULO62070503***63044BFB';

const unix = (at: Date) => Math.floor(at.getTime() / 1000);

/** PaymentIntent statuses and the event type Stripe sends each with (docs/gateways.md). */
const INTENT_EVENT: Readonly<Record<string, string>> = {
  requires_payment_method: 'payment_intent.created',
  requires_action: 'payment_intent.requires_action',
  processing: 'payment_intent.processing',
  succeeded: 'payment_intent.succeeded',
  canceled: 'payment_intent.canceled',
};

/**
 * A Stripe Event about a PIX PaymentIntent: `requires_action` shows the QR code
 * (`next_action.pix_display_qr_code`); `sale.status` is the PaymentIntent's status.
 */
export function stripePaymentIntentEvent(id: string, sale: Sale = {}, at = FIXTURE_NOW) {
  const status = sale.status ?? 'requires_action';
  const waiting = status === 'requires_action';
  return {
    id: `evt_${id}`,
    object: 'event',
    api_version: '2024-06-20',
    type: INTENT_EVENT[status] ?? 'payment_intent.updated',
    created: unix(at) + 5,
    livemode: false,
    data: {
      object: {
        id,
        object: 'payment_intent',
        amount: 4990,
        currency: 'brl',
        status,
        payment_method_types: [sale.method ?? 'pix'],
        receipt_email: 'maria@example.com',
        created: unix(at),
        next_action: waiting
          ? {
              type: 'pix_display_qr_code',
              pix_display_qr_code: {
                data: STRIPE_PIX_CODE,
                expires_at: unix(at) + 86_400,
                hosted_instructions_url: `https://payments.stripe.com/pix/instructions/${id}`,
                image_url_png: `https://qr.stripe.com/${id}.png`,
                image_url_svg: `https://qr.stripe.com/${id}.svg`,
              },
            }
          : null,
      },
    },
  };
}

/** Checkout Session states, keyed by the simulation's words, with their event type. */
export const SESSION_STATES: Readonly<
  Record<string, { type: string; status: string; payment_status: string }>
> = {
  unpaid: { type: 'checkout.session.completed', status: 'complete', payment_status: 'unpaid' },
  paid: {
    type: 'checkout.session.async_payment_succeeded',
    status: 'complete',
    payment_status: 'paid',
  },
  async_payment_failed: {
    type: 'checkout.session.async_payment_failed',
    status: 'complete',
    payment_status: 'unpaid',
  },
  expired: { type: 'checkout.session.expired', status: 'expired', payment_status: 'unpaid' },
};

/**
 * A Stripe Event about a Checkout Session paid with PIX, phone collection on: it carries
 * `customer_details`. `sale.status` is one of SESSION_STATES (default `unpaid`: the
 * customer was shown the PIX code); its PaymentIntent is `pi_<id>`.
 */
export function stripeCheckoutSessionEvent(id: string, sale: Sale = {}, at = FIXTURE_NOW) {
  const state = SESSION_STATES[sale.status ?? 'unpaid'] ?? SESSION_STATES.unpaid;
  return {
    id: `evt_${id}`,
    object: 'event',
    api_version: '2024-06-20',
    type: state.type,
    created: unix(at) + 5,
    livemode: false,
    data: {
      object: {
        id,
        object: 'checkout.session',
        mode: 'payment',
        status: state.status,
        payment_status: state.payment_status,
        payment_intent: `pi_${id}`,
        amount_total: 4990,
        currency: 'brl',
        payment_method_types: [sale.method ?? 'pix'],
        customer_details: {
          name: sale.name ?? 'Maria Silva',
          email: 'maria@example.com',
          phone: sale.phone ?? `+55${FIXTURE_MOBILE}`,
        },
        url: null,
        created: unix(at),
      },
    },
  };
}
