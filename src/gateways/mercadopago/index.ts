import { GATEWAY_API_TIMEOUT_MS } from '../api-client';
import type { GatewayModule } from '../gateway';
import type { GatewaySettings } from '../settings';
import { mercadopagoAdapter } from './adapter';
import { createMercadopagoStatusSource, fetchMercadopagoPayment, type MercadopagoApi } from './api';
import { mercadopagoAuth } from './auth';
import { mercadopagoSimulation } from './simulation';

/** The Payments API, while MERCADOPAGO_ACCESS_TOKEN is set. */
function api({ mercadopago }: GatewaySettings): MercadopagoApi | null {
  if (!mercadopago.accessToken) return null;
  return {
    url: mercadopago.apiUrl,
    accessToken: mercadopago.accessToken,
    timeoutMs: GATEWAY_API_TIMEOUT_MS,
  };
}

/**
 * Mercado Pago signs its notifications (`x-signature`) and sends only the payment id: the
 * recovery reads the payment from the Payments API, and reads it again before the SMS.
 */
export const mercadopago: GatewayModule = {
  name: 'mercadopago',
  adapter: mercadopagoAdapter,
  auth: mercadopagoAuth,
  acceptedStatus: 200,
  simulation: mercadopagoSimulation,
  statusSource(settings) {
    const payments = api(settings);
    return payments ? createMercadopagoStatusSource(payments) : null;
  },
  enrichmentSetting: 'MERCADOPAGO_ACCESS_TOKEN',
  enricher(settings) {
    const payments = api(settings);
    return payments ? (paymentId) => fetchMercadopagoPayment(payments, paymentId) : null;
  },
};
