import type { GatewayModule } from '../gateway';
import { pagarme as adapter } from './adapter';
import { pagarmeAuth } from './auth';
import { pagarmeSimulation } from './simulation';

/** Pagar.me sends the full order or charge: nothing to enrich. */
export const pagarme: GatewayModule = {
  name: 'pagarme',
  adapter,
  auth: pagarmeAuth,
  simulation: pagarmeSimulation,
};
