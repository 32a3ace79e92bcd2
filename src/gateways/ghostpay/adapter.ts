import { z } from 'zod';
import { defineAdapter } from '../adapter';
import { EXAMPLE_TIME } from '../fixtures';
import { ghostpayWebhook } from './fixtures';
import {
  centavos,
  nested,
  optionalText,
  optionalWord,
  requiredId,
  requiredWord,
  timestamp,
} from '../fields';
import { toMethod, toStatus } from '../vocabulary';

/**
 * Only `paymentId` identifies the payment. `externalId`/`customId` are the seller's own
 * references and may be missing from some webhooks of the same payment: falling back to
 * them would file one payment under two ids, and a `paid` could then miss its `waiting`.
 */
const schema = z
  .looseObject({
    paymentId: requiredId,
    status: requiredWord,
    paymentMethod: optionalWord,
    totalValue: centavos,
    customer: nested({ name: optionalText, email: optionalText, phone: optionalText }),
    checkoutUrl: optionalText,
    pixCode: optionalText,
    createdAt: timestamp,
    updatedAt: timestamp,
    approvedAt: timestamp,
  })
  .meta({
    description:
      '`paymentId` and `status` are required; `paymentMethod`, `totalValue` (centavos), ' +
      '`customer{name, email, phone}`, `checkoutUrl`, `pixCode` and the timestamps are read when present.',
    required: ['paymentId', 'status'],
    inputExamples: [ghostpayWebhook('gp-1001', {}, EXAMPLE_TIME)],
  });

type Body = z.output<typeof schema>;

export const ghostpay = defineAdapter({
  gateway: 'ghostpay',
  displayName: 'GhostPay',
  schema,
  toEvent(body: Body) {
    return {
      gateway: 'ghostpay',
      paymentId: body.paymentId,
      method: toMethod(body.paymentMethod),
      rawMethod: body.paymentMethod,
      status: toStatus(body.status),
      rawStatus: body.status,
      amountCentavos: body.totalValue,
      customer: {
        name: body.customer?.name ?? null,
        email: body.customer?.email ?? null,
        phone: body.customer?.phone ?? null,
      },
      checkoutUrl: body.checkoutUrl,
      pixCode: body.pixCode,
      createdAt: body.createdAt,
      updatedAt: body.updatedAt,
      paidAt: body.approvedAt,
    };
  },
});
