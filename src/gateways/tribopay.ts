import { z } from 'zod';
import { defineAdapter } from './adapter';
import { centavos, nested, optionalId, optionalText, optionalWord, timestamp } from './fields';
import { requireOneOf } from './one-of';
import { toMethod, toStatus } from './vocabulary';

/**
 * TriboPay sends two shapes to one endpoint (GATEWAYS.md): the postback (`status`,
 * `method`, `transaction{id|hash,amount,status}`) and the older flat one (`id`,
 * `payment_status`, `payment_method`, `amount`). One loose schema covers both; extra
 * fields pass through untouched.
 */
const schema = z
  .looseObject({
    status: optionalWord,
    payment_status: optionalWord,
    method: optionalWord,
    payment_method: optionalWord,
    hash: optionalId,
    id: optionalId,
    amount: centavos,
    transaction: nested({
      id: optionalId,
      hash: optionalId,
      status: optionalWord,
      amount: centavos,
    }),
    customer: nested({
      name: optionalText,
      email: optionalText,
      phone_number: optionalText,
      phone: optionalText,
    }),
    created_at: timestamp,
    updated_at: timestamp,
    paid_at: timestamp,
  })
  .superRefine(
    ...requireOneOf(
      [['transaction', 'id'], ['transaction', 'hash'], ['hash'], ['id']],
      'a payment id is required: a non-empty transaction.id, transaction.hash, hash or id',
    ),
  )
  .superRefine(
    ...requireOneOf(
      [['status'], ['transaction', 'status'], ['payment_status']],
      'a status is required: status, transaction.status or payment_status',
    ),
  );

type Body = z.output<typeof schema>;

export const tribopay = defineAdapter({
  gateway: 'tribopay',
  displayName: 'TriboPay',
  schema,
  toEvent(body: Body) {
    const tx = body.transaction;
    const rawStatus = (body.status ?? tx?.status ?? body.payment_status) as string;
    const rawMethod = body.method ?? body.payment_method;
    return {
      gateway: 'tribopay',
      // The postback's own spellings first; `id` is the flat shape's.
      paymentId: (tx?.id ?? tx?.hash ?? body.hash ?? body.id) as string,
      method: toMethod(rawMethod),
      rawMethod,
      status: toStatus(rawStatus),
      rawStatus,
      amountCentavos: tx?.amount ?? body.amount,
      customer: {
        name: body.customer?.name ?? null,
        email: body.customer?.email ?? null,
        phone: body.customer?.phone_number ?? body.customer?.phone ?? null,
      },
      // GATEWAYS.md documents no payment link in TriboPay deliveries.
      checkoutUrl: null,
      pixCode: null,
      createdAt: body.created_at,
      updatedAt: body.updated_at,
      paidAt: body.paid_at,
    };
  },
});
