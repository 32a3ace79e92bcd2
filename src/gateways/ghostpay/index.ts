import type { GatewayModule } from '../gateway';
import { sharedTokenAuth } from '../shared-token';
import { ghostpay as adapter } from './adapter';
import { ghostpaySimulation } from './simulation';

/** GhostPay signs nothing: its webhooks present the shared WEBHOOK_SECRET. */
export const ghostpay: GatewayModule = {
  name: 'ghostpay',
  adapter,
  auth: sharedTokenAuth,
  simulation: ghostpaySimulation,
};
