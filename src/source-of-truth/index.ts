import { GATEWAY_MODULES } from '../gateways';
import type { GatewaySettings } from '../gateways/settings';
import type { PaymentStatusSources } from './source';

export type {
  CheckFailure,
  PaymentStatusSource,
  PaymentStatusSources,
  ReportedStatus,
} from './source';
export { StatusCheckError } from './source';

/** The gateways whose API is configured; every other gateway is decided by its webhooks. */
export function createPaymentStatusSources(settings: GatewaySettings): PaymentStatusSources {
  const sources: PaymentStatusSources = {};
  for (const module of Object.values(GATEWAY_MODULES)) {
    const source = module.statusSource?.(settings);
    if (source) sources[module.name] = source;
  }
  return sources;
}
