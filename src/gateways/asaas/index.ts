import { GATEWAY_API_TIMEOUT_MS } from '../api-client';
import type { GatewayModule } from '../gateway';
import type { GatewaySettings } from '../settings';
import { asaasAdapter } from './adapter';
import { createAsaasStatusSource, enrichAsaasCharge, type AsaasApi } from './api';
import { asaasAuth } from './auth';
import { asaasSimulation } from './simulation';

/** The Asaas API, while ASAAS_API_KEY is set. */
function api({ asaas }: GatewaySettings): AsaasApi | null {
  if (!asaas.apiKey) return null;
  return { url: asaas.apiUrl, apiKey: asaas.apiKey, timeoutMs: GATEWAY_API_TIMEOUT_MS };
}

/**
 * Asaas presents a static token (`asaas-access-token`) and sends the charge without its
 * customer's phone or its PIX code: the recovery reads both from the API, and re-reads the
 * charge before the SMS.
 */
export const asaas: GatewayModule = {
  name: 'asaas',
  adapter: asaasAdapter,
  auth: asaasAuth,
  acceptedStatus: 200,
  simulation: asaasSimulation,
  statusSource(settings) {
    const charges = api(settings);
    return charges ? createAsaasStatusSource(charges) : null;
  },
  enrichmentSetting: 'ASAAS_API_KEY',
  enricher(settings) {
    const charges = api(settings);
    return charges ? (paymentId) => enrichAsaasCharge(charges, paymentId) : null;
  },
};
