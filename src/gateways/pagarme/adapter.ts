import { z } from 'zod';
import type { PaymentMethod, PaymentStatus } from '../../domain/payment-event';
import { defineAdapter } from '../adapter';
import {
  centavos,
  inputJsonSchema,
  nested,
  optionalText,
  optionalWord,
  optionalId,
  requiredId,
  requiredWord,
  zonedTimestamp,
} from '../fields';
import { EXAMPLE_TIME } from '../fixtures';
import { pagarmeChargeEvent, pagarmeOrderEvent } from './fixtures';

// Pagar.me's example shows times without an offset and real webhooks end in `Z`; which
// zone a bare time means is not documented, so only times with an offset are read.

/**
 * Order and charge statuses (Pagar.me's e-commerce modules, vendor code). A waiting PIX is
 * a `pending` charge (its transaction `waiting_payment`) in a `pending` order. Which event
 * an expired PIX sends is not documented: `failed` and `canceled` both end the recovery.
 * `underpaid` is paid in part, `processing` in progress: neither waits for the customer.
 */
const STATUSES: ReadonlyMap<string, PaymentStatus> = new Map([
  ['pending', 'waiting'],
  ['processing', 'other'],
  ['paid', 'paid'],
  ['overpaid', 'paid'],
  ['underpaid', 'other'],
  ['canceled', 'cancelled'],
  ['failed', 'refused'],
  ['chargedback', 'chargedback'],
]);

/** Events whose type says more than the charge's status does. */
const EVENT_STATUSES: ReadonlyMap<string, PaymentStatus> = new Map([
  ['charge.refunded', 'refunded'],
  ['charge.chargedback', 'chargedback'],
]);

const phone = nested({ country_code: optionalText, area_code: optionalText, number: optionalText });

const customer = nested({
  name: optionalText,
  email: optionalText,
  phones: nested({ mobile_phone: phone, home_phone: phone }),
});

const lastTransaction = nested({
  transaction_type: optionalWord,
  qr_code: optionalText,
  status: optionalWord,
});

const charge = {
  id: requiredId,
  status: requiredWord,
  amount: centavos,
  payment_method: optionalWord,
  last_transaction: lastTransaction,
  customer,
  paid_at: zonedTimestamp,
  created_at: zonedTimestamp,
  updated_at: zonedTimestamp,
};

/**
 * For `charge.*` events `data` is the charge; it names its order, whose id the order's own
 * events carry, so both file under one payment. Without it they could not meet.
 */
const chargeData = z
  .looseObject({
    ...charge,
    order: z.looseObject({ id: requiredId }).meta({ required: ['id'] }),
  })
  .meta({ required: ['id', 'status', 'order'] });

const orderData = z
  .looseObject({
    id: requiredId,
    status: requiredWord,
    amount: centavos,
    customer,
    charges: z
      .array(
        z
          .looseObject({ ...charge, customer: z.unknown().optional() })
          .meta({ required: ['id', 'status'] }),
      )
      .nullish()
      .meta({ description: 'The charges; a PIX order has one' }),
    created_at: zonedTimestamp,
    updated_at: zonedTimestamp,
  })
  .meta({ required: ['id', 'status'] });

/** `type` decides what `data` is; stated for the OpenAPI document as the parser checks it. */
const eventOf = (prefix: string, data: z.ZodType) => ({
  type: 'object',
  required: ['type', 'data'],
  properties: {
    type: { type: 'string', pattern: `^${prefix}\\.` },
    data: inputJsonSchema(data),
  },
});

const schema = z
  .looseObject({
    id: optionalId,
    type: requiredWord,
    data: z.unknown(),
  })
  .transform((body, ctx) => {
    const isOrder = body.type.startsWith('order.');
    if (!isOrder && !body.type.startsWith('charge.')) {
      ctx.addIssue({
        code: 'custom',
        path: ['type'],
        message: 'must be an order.* or charge.* event',
      });
      return z.NEVER;
    }
    const parsed = (isOrder ? orderData : chargeData).safeParse(body.data);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        ctx.addIssue({ ...issue, path: ['data', ...issue.path] });
      return z.NEVER;
    }
    return { type: body.type, ...(isOrder ? { order: parsed.data } : { charge: parsed.data }) } as
      | { type: string; order: z.output<typeof orderData>; charge?: undefined }
      | { type: string; charge: z.output<typeof chargeData>; order?: undefined };
  })
  .meta({
    description:
      'A Pagar.me v5 webhook (`id`, `type`, `created_at`, `data`): for `order.*` events `data` is ' +
      'the order (`id`, `status`, `amount`, `customer`, `charges[]`), for `charge.*` events the ' +
      'charge (`id`, `status`, `amount`, `payment_method`, `last_transaction`, `customer`, ' +
      '`order.id`). Authenticated by `X-Webhook-Asymmetric-Signature` over the raw body.',
    required: ['type', 'data'],
    anyOf: [eventOf('order', orderData), eventOf('charge', chargeData)],
    inputExamples: [
      pagarmeOrderEvent('or_1001', {}, EXAMPLE_TIME),
      pagarmeChargeEvent('or_1001', {}, EXAMPLE_TIME),
    ],
  });

type Body = z.output<typeof schema>;
type Phones = NonNullable<NonNullable<z.output<typeof customer>>['phones']>;
type Charge = z.output<typeof chargeData>;

/** Split as Pagar.me stores it; the country code may be missing (then Brazil is assumed). */
function phoneOf(phones: Phones | null | undefined): string | null {
  const split = phones?.mobile_phone ?? phones?.home_phone;
  if (!split?.area_code || !split.number) return null;
  const country = split.country_code ? `+${split.country_code}` : '';
  return `${country}${split.area_code}${split.number}`;
}

/** A charge is PIX by its method, or by its last transaction's type. */
function methodOf(charges: Pick<Charge, 'payment_method' | 'last_transaction'>[]): {
  method: PaymentMethod | null;
  raw: string | null;
} {
  const methods = charges.map((c) => c.payment_method ?? c.last_transaction?.transaction_type);
  const raw = methods.filter((m): m is string => !!m).join(',') || null;
  if (methods.length === 0 || methods.some((m) => !m)) return { method: null, raw };
  if (methods.every((m) => m?.toLowerCase() === 'pix')) return { method: 'pix', raw };
  // Mixed (a PIX charge beside a card one): the event can't say which one the buyer uses.
  return { method: methods.some((m) => m?.toLowerCase() === 'pix') ? null : 'other', raw };
}

function statusOf(type: string, rawStatus: string): PaymentStatus {
  return EVENT_STATUSES.get(type) ?? STATUSES.get(rawStatus.toLowerCase()) ?? 'other';
}

export const pagarme = defineAdapter({
  gateway: 'pagarme',
  displayName: 'Pagar.me',
  schema,
  toEvent(body: Body) {
    const { type } = body;
    const charges: Charge[] = body.order ? ((body.order.charges ?? []) as Charge[]) : [body.charge];
    const data = body.order ?? body.charge;
    const orderId = body.order ? body.order.id : body.charge.order.id;
    const { method, raw } = methodOf(charges);
    const status = statusOf(type, data.status);
    return {
      gateway: 'pagarme',
      // Order and charge events of one sale meet under the order's id.
      paymentId: orderId,
      method,
      rawMethod: raw,
      status,
      rawStatus: data.status,
      amountCentavos: data.amount,
      customer: {
        name: data.customer?.name ?? null,
        email: data.customer?.email ?? null,
        phone: phoneOf(data.customer?.phones),
      },
      // `qr_code_url` is an image of the code, not a page to pay on.
      checkoutUrl: null,
      pixCode: charges.find((c) => c.last_transaction?.qr_code)?.last_transaction?.qr_code ?? null,
      createdAt: data.created_at,
      updatedAt: data.updated_at,
      paidAt: charges.find((c) => c.paid_at)?.paid_at ?? null,
    };
  },
});
