import type { Config } from '../config';
import type { PaymentStatusSources } from './source';
import { createTribopayStatusSource } from './tribopay';

export type {
  CheckFailure,
  PaymentStatusSource,
  PaymentStatusSources,
  ReportedStatus,
} from './source';
export { StatusCheckError } from './source';
export { TRIBOPAY_TOKEN_PARAM, TRIBOPAY_TRANSACTION_PATH, transactionUrl } from './tribopay';

/** The gateways whose API is configured; every other gateway is decided by its webhooks. */
export function createPaymentStatusSources(
  config: Pick<Config, 'tribopayApi'>,
): PaymentStatusSources {
  return config.tribopayApi ? { tribopay: createTribopayStatusSource(config.tribopayApi) } : {};
}
