import type { PaymentEvent } from '../../domain/payment-event';
import { StatusCheckError, type PaymentStatusSource } from '../../source-of-truth/source';
import { getGatewayJson, idSegment, type GatewayApiCall } from '../api-client';
import { paymentSchema, paymentToEvent } from './payment';

/** Where one payment is read (docs/gateways.md), under MERCADOPAGO_API_URL. */
export const MERCADOPAGO_PAYMENT_PATH = '/v1/payments/{id}';

export interface MercadopagoApi {
  url: string;
  accessToken: string;
  timeoutMs: number;
}

function call(api: MercadopagoApi): GatewayApiCall {
  return {
    name: 'Mercado Pago API',
    credentialSetting: 'MERCADOPAGO_ACCESS_TOKEN',
    headers: { Authorization: `Bearer ${api.accessToken}` },
    timeoutMs: api.timeoutMs,
  };
}

/** `GET /v1/payments/{id}` with the seller's access token, as the event it amounts to. */
export async function fetchMercadopagoPayment(
  api: MercadopagoApi,
  paymentId: string,
): Promise<PaymentEvent> {
  const path = MERCADOPAGO_PAYMENT_PATH.replace('{id}', idSegment(paymentId));
  const answer = await getGatewayJson(new URL(`${api.url.replace(/\/+$/, '')}${path}`), call(api));
  const parsed = paymentSchema.safeParse(answer);
  if (!parsed.success)
    throw new StatusCheckError('bad_response', 'Mercado Pago API answer is not a payment');
  return paymentToEvent(paymentId, parsed.data);
}

/** The same read, right before an SMS: is the payment still waiting? */
export function createMercadopagoStatusSource(api: MercadopagoApi): PaymentStatusSource {
  return {
    async currentStatus(paymentId) {
      const { status, rawStatus } = await fetchMercadopagoPayment(api, paymentId);
      return { status, rawStatus };
    },
  };
}
