import { fixtureBrCode } from '../fixture-codes';

/** A PIX charge waiting for payment, as webhooks and `GET /v3/payments/{id}` carry it. */
export function asaasPixCharge(
  id: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    object: 'payment',
    id,
    dateCreated: '2026-11-28',
    customer: `cus_${id}`,
    value: 49.9,
    netValue: 48.91,
    billingType: 'PIX',
    status: 'PENDING',
    dueDate: '2026-12-03',
    pixTransaction: null,
    invoiceUrl: `https://www.asaas.com/i/${id}`,
    externalReference: null,
    deleted: false,
    ...overrides,
  };
}

/** The customer record `GET /v3/customers/{id}` answers (phones as Asaas stores them). */
export function asaasCustomer(
  id: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    object: 'customer',
    id,
    name: 'Maria Silva',
    email: 'maria@example.com',
    phone: '2133334444',
    mobilePhone: '21987654321',
    ...overrides,
  };
}

/** `GET /v3/payments/{id}/pixQrCode`. */
export function asaasPixQrCode(paymentId: string): Record<string, unknown> {
  return {
    encodedImage: 'iVBORw0KGgo=',
    payload: fixtureBrCode(paymentId),
    expirationDate: '2027-12-03 23:59:59',
  };
}

/** The webhook envelope (docs/gateways.md): an event id, its name, the charge. */
export function asaasWebhookBody(event: string, charge: Record<string, unknown>) {
  return {
    id: `evt_${String(charge.id)}_${event.toLowerCase()}`,
    event,
    dateCreated: '2026-11-28 21:30:00',
    payment: charge,
  };
}

/** A charge's creation, for the OpenAPI document (docs/gateways.md's real webhook, trimmed). */
export const ASAAS_EXAMPLES = [
  asaasWebhookBody('PAYMENT_CREATED', asaasPixCharge('pay_6egmyz6lpfxazko3')),
];
