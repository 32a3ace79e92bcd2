import type { GatewayModule } from '../gateway';
import { sharedTokenAuth } from '../shared-token';
import { tribopay as adapter } from './adapter';
import { tribopaySimulation } from './simulation';
import { createTribopayStatusSource } from './status-source';

export { TRIBOPAY_TOKEN_PARAM, TRIBOPAY_TRANSACTION_PATH, transactionUrl } from './status-source';

/** TriboPay signs nothing: its webhooks present the shared WEBHOOK_SECRET. */
export const tribopay: GatewayModule = {
  name: 'tribopay',
  adapter,
  auth: sharedTokenAuth,
  simulation: tribopaySimulation,
  statusSource: ({ tribopayApi }) => (tribopayApi ? createTribopayStatusSource(tribopayApi) : null),
};
