import type { PaymentEvent } from '../../domain/payment-event';
import { StatusCheckError, type PaymentStatusSource } from '../../source-of-truth/source';
import type { z } from 'zod';
import { getGatewayJson, idSegment, type GatewayApiCall } from '../api-client';
import { chargeSchema, chargeToEvent, customerSchema, pixQrCodeSchema } from './charge';

/** Under ASAAS_API_URL, whose default already ends in `/v3` (docs/gateways.md). */
export const ASAAS_PATHS = {
  payment: '/payments/{id}',
  pixQrCode: '/payments/{id}/pixQrCode',
  customer: '/customers/{id}',
} as const;

/** Asaas refuses calls without a User-Agent from accounts created after 13/06/2024. */
export const ASAAS_USER_AGENT = 'pix-recovery';

export interface AsaasApi {
  url: string;
  apiKey: string;
  timeoutMs: number;
}

function call(api: AsaasApi): GatewayApiCall {
  return {
    name: 'Asaas API',
    credentialSetting: 'ASAAS_API_KEY',
    headers: {
      access_token: api.apiKey,
      'Content-Type': 'application/json',
      'User-Agent': ASAAS_USER_AGENT,
    },
    timeoutMs: api.timeoutMs,
  };
}

async function read<S extends z.ZodType>(
  api: AsaasApi,
  path: string,
  id: string,
  schema: S,
  what: string,
): Promise<z.output<S>> {
  const url = new URL(`${api.url.replace(/\/+$/, '')}${path.replace('{id}', idSegment(id))}`);
  const parsed = schema.safeParse(await getGatewayJson(url, call(api)));
  if (!parsed.success)
    throw new StatusCheckError('bad_response', `Asaas API answer is not ${what}`);
  return parsed.data;
}

/** The charge as it stands now (`GET /v3/payments/{id}`). */
export async function fetchAsaasCharge(api: AsaasApi, paymentId: string): Promise<PaymentEvent> {
  return chargeToEvent(await read(api, ASAAS_PATHS.payment, paymentId, chargeSchema, 'a charge'));
}

/**
 * What the webhook lacks: the charge re-read (its status may have moved on), its
 * customer's name, e-mail and phone, and, for a PIX charge still waiting, its
 * copy-and-paste code. The mobile number is preferred; the other phone field is used only
 * when the mobile one is empty (either is parsed and checked like any phone).
 */
export async function enrichAsaasCharge(api: AsaasApi, paymentId: string): Promise<PaymentEvent> {
  const charge = await read(api, ASAAS_PATHS.payment, paymentId, chargeSchema, 'a charge');
  const event = chargeToEvent(charge);
  if (event.status !== 'waiting' || event.method !== 'pix') return event;
  const customer = charge.customer
    ? await read(api, ASAAS_PATHS.customer, charge.customer, customerSchema, 'a customer')
    : null;
  const qr = await read(api, ASAAS_PATHS.pixQrCode, paymentId, pixQrCodeSchema, 'a PIX QR code');
  return {
    ...event,
    customer: {
      name: customer?.name ?? null,
      email: customer?.email ?? null,
      phone: customer?.mobilePhone ?? customer?.phone ?? null,
    },
    pixCode: qr.payload,
  };
}

/** Right before an SMS: is the charge still waiting? */
export function createAsaasStatusSource(api: AsaasApi): PaymentStatusSource {
  return {
    async currentStatus(paymentId) {
      const { status, rawStatus } = await fetchAsaasCharge(api, paymentId);
      return { status, rawStatus };
    },
  };
}
