import { z } from 'zod';
import { defineAdapter } from '../adapter';
import { EXAMPLE_TIME } from '../fixtures';
import { tribopayFlat, tribopayPostback } from './fixtures';
import {
  centavos,
  FILLED_ID,
  FILLED_WORD,
  nested,
  oneOfPaths,
  optionalId,
  optionalText,
  optionalWord,
  timestamp,
} from '../fields';
import { requireOneOf } from '../one-of';
import { toMethod, toStatus } from '../vocabulary';

const ID_PATHS = [['transaction', 'id'], ['transaction', 'hash'], ['hash'], ['id']] as const;
const STATUS_PATHS = [['status'], ['transaction', 'status'], ['payment_status']] as const;

/**
 * TriboPay sends two shapes to one endpoint (docs/gateways.md): the postback (`status`,
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
      ID_PATHS,
      'a payment id is required: a non-empty transaction.id, transaction.hash, hash or id',
    ),
  )
  .superRefine(
    ...requireOneOf(
      STATUS_PATHS,
      'a status is required: status, transaction.status or payment_status',
    ),
  )
  .meta({
    description:
      'Either shape: the postback (`status`, `method`, `transaction{id|hash, status, amount}`, ' +
      '`customer{name, email, phone_number|phone}`, `created_at`, `paid_at`) or the flat one ' +
      '(`id`, `payment_status`, `payment_method`, `amount`, `customer{…}`, `created_at`, ' +
      '`updated_at`). A payment id and a status are required, each at any of its places.',
    allOf: [oneOfPaths(ID_PATHS, FILLED_ID), oneOfPaths(STATUS_PATHS, FILLED_WORD)],
    inputExamples: [
      tribopayPostback('tp-1001', {}, EXAMPLE_TIME),
      tribopayFlat('tp-1001', {}, EXAMPLE_TIME),
    ],
  });

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
      // TriboPay's webhooks carry no payment link (docs/gateways.md).
      checkoutUrl: null,
      pixCode: null,
      createdAt: body.created_at,
      updatedAt: body.updated_at,
      paidAt: body.paid_at,
    };
  },
});
