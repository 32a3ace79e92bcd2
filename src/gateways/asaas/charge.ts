import { z } from 'zod';
import type { PaymentEvent } from '../../domain/payment-event';
import { optionalId, optionalText, optionalWord, reais, requiredId, requiredWord } from '../fields';
import { asaasMethod, asaasStatus, ASAAS_DELETED_EVENT } from './vocabulary';

/**
 * An Asaas charge, as webhooks carry it in `payment` and `GET /v3/payments/{id}` answers
 * it (docs/gateways.md). It names the customer only by id, and carries no PIX code.
 */
export const chargeSchema = z
  .looseObject({
    id: requiredId,
    status: requiredWord,
    billingType: optionalWord,
    value: reais,
    customer: optionalId,
    invoiceUrl: optionalText,
    deleted: z.boolean().nullish(),
  })
  .meta({ required: ['id', 'status'] });

export type AsaasCharge = z.output<typeof chargeSchema>;

/**
 * The charge as our event. `createdAt` stays null: `payment.dateCreated` is a date without
 * a time, and the envelope's time has no zone (Brazil time is unconfirmed), so the delay
 * runs from our receipt of the first webhook instead of from a guess.
 */
export function chargeToEvent(charge: AsaasCharge, event: string | null = null): PaymentEvent {
  const deleted = event === ASAAS_DELETED_EVENT || charge.deleted === true;
  return {
    gateway: 'asaas',
    paymentId: charge.id,
    method: asaasMethod(charge.billingType),
    rawMethod: charge.billingType,
    status: deleted ? 'cancelled' : asaasStatus(charge.status),
    rawStatus: deleted ? ASAAS_DELETED_EVENT : charge.status,
    amountCentavos: charge.value,
    customer: { name: null, email: null, phone: null },
    checkoutUrl: charge.invoiceUrl,
    pixCode: null,
    createdAt: null,
    updatedAt: null,
    paidAt: null,
  };
}

/** The customer record, `GET /v3/customers/{id}`: where Asaas keeps the phone. */
export const customerSchema = z.looseObject({
  name: optionalText,
  email: optionalText,
  phone: optionalText,
  mobilePhone: optionalText,
});

/** `GET /v3/payments/{id}/pixQrCode`: `payload` is the copy-and-paste code. */
export const pixQrCodeSchema = z.looseObject({ payload: optionalText });
