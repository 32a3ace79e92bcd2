import type { Gateway, PaymentEvent } from '../domain/payment-event';
import { GATEWAY_MODULES } from '.';
import type { GatewaySettings } from './settings';

/**
 * Reads one payment from its gateway's API, as the full event a thin webhook stood for.
 * Throws a StatusCheckError for every way of not getting an answer (retried by Temporal).
 */
export type PaymentEnricher = (paymentId: string) => Promise<PaymentEvent>;

/** The gateways whose API credentials are configured; a thin webhook of any other can't be completed. */
export type PaymentEnrichers = Partial<Record<Gateway, PaymentEnricher>>;

/** One enricher per gateway whose API credentials are set. */
export function createPaymentEnrichers(settings: GatewaySettings): PaymentEnrichers {
  const enrichers: PaymentEnrichers = {};
  for (const module of Object.values(GATEWAY_MODULES)) {
    const enricher = module.enricher?.(settings);
    if (enricher) enrichers[module.name] = enricher;
  }
  return enrichers;
}
