import { z } from 'zod';
import type { PaymentEvent } from '../../domain/payment-event';
import { nested, optionalId, optionalText, optionalWord, reais, timestamp } from '../fields';
import { mercadopagoMethod, mercadopagoStatus } from './vocabulary';

const phone = nested({ area_code: optionalText, number: optionalText });
const payer = nested({
  first_name: optionalText,
  last_name: optionalText,
  email: optionalText,
  phone,
});

/**
 * The fields of `GET /v1/payments/{id}` a recovery needs (docs/gateways.md). Loose: the
 * answer has many more, and every one of these may be absent except the status.
 */
export const paymentSchema = z.looseObject({
  id: optionalId,
  status: z.string().trim().min(1),
  status_detail: optionalWord,
  payment_method_id: optionalWord,
  payment_type_id: optionalWord,
  transaction_amount: reais,
  date_created: timestamp,
  date_last_updated: timestamp,
  date_approved: timestamp,
  payer,
  additional_info: nested({ payer }),
  point_of_interaction: nested({
    type: optionalWord,
    transaction_data: nested({ qr_code: optionalText, ticket_url: optionalText }),
  }),
});

export type MercadopagoPayment = z.output<typeof paymentSchema>;

/** What the payment says now, as the event a full webhook would have carried. */
export function paymentToEvent(paymentId: string, payment: MercadopagoPayment): PaymentEvent {
  const buyer = payer_(payment);
  const pix = payment.point_of_interaction?.transaction_data;
  return {
    gateway: 'mercadopago',
    paymentId,
    method: mercadopagoMethod(payment.payment_method_id, payment.payment_type_id),
    rawMethod: payment.payment_method_id,
    status: mercadopagoStatus(payment.status),
    rawStatus: payment.status_detail
      ? `${payment.status}/${payment.status_detail}`
      : payment.status,
    amountCentavos: payment.transaction_amount,
    customer: {
      name: fullName(buyer.first_name, buyer.last_name),
      email: buyer.email,
      phone: splitPhone(payment.payer?.phone) ?? splitPhone(payment.additional_info?.payer?.phone),
    },
    checkoutUrl: pix?.ticket_url ?? null,
    pixCode: pix?.qr_code ?? null,
    createdAt: payment.date_created,
    updatedAt: payment.date_last_updated,
    paidAt: payment.date_approved,
  };
}

/** `payer` first, `additional_info.payer` for what it lacks: integrators fill either. */
function payer_(payment: MercadopagoPayment) {
  const main = payment.payer;
  const extra = payment.additional_info?.payer;
  return {
    first_name: main?.first_name ?? extra?.first_name ?? null,
    last_name: main?.last_name ?? extra?.last_name ?? null,
    email: main?.email ?? extra?.email ?? null,
  };
}

function fullName(first: string | null, last: string | null): string | null {
  const name = [first, last].filter((part) => part !== null).join(' ');
  return name === '' ? null : name;
}

/**
 * Mercado Pago splits a phone into `area_code` and `number` strings. Joined as written, and
 * parsed later like every other phone: a number that already holds its area code, or a
 * missing area code, gives an invalid number rather than a guessed one.
 */
export function splitPhone(
  parts: { area_code: string | null; number: string | null } | null | undefined,
): string | null {
  if (!parts?.number) return null;
  return `${parts.area_code ?? ''}${parts.number}`;
}
