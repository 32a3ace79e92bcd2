import type { WebhookAuth } from '../gateway';
import { verifyStripeSignature } from './signature';

/** Stripe signs every event with the endpoint's secret: no token in the URL is needed. */
export const stripeAuth: WebhookAuth = {
  verifier({ stripe }) {
    const secrets = stripe.webhookSecrets;
    if (secrets.length === 0)
      return { disabled: "set STRIPE_WEBHOOK_SECRET (the endpoint's signing secret, whsec_…)" };
    return {
      async verify(request) {
        return verifyStripeSignature(
          request.header('stripe-signature'),
          request.rawBody,
          secrets,
          request.receivedAt,
        );
      },
    };
  },
  setting: 'STRIPE_WEBHOOK_SECRET',
  security: 'stripeSignature',
  refusal: 'STRIPE_WEBHOOK_SECRET is unset, or Stripe-Signature is missing, stale or wrong',
};
