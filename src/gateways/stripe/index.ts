import type { GatewayModule } from '../gateway';
import { stripe as adapter } from './adapter';
import { stripeAuth } from './auth';
import { stripeSimulation } from './simulation';

/** Stripe sends full PaymentIntent and Checkout Session objects: nothing to enrich. */
export const stripe: GatewayModule = {
  name: 'stripe',
  adapter,
  auth: stripeAuth,
  simulation: stripeSimulation,
};
