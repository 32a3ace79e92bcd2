import { z } from 'zod';
import type { PaymentMethod, PaymentStatus } from '../../domain/payment-event';
import { defineAdapter } from '../adapter';
import {
  centavos,
  nested,
  optionalId,
  optionalText,
  optionalWord,
  requiredId,
  requiredWord,
  unixSeconds,
  wordList,
} from '../fields';
import { EXAMPLE_TIME } from '../fixtures';
import { stripeCheckoutSessionEvent, stripePaymentIntentEvent } from './fixtures';

/**
 * A PaymentIntent's statuses (Stripe API reference). A PIX payment waits in
 * `requires_action`, showing its QR code, and ends `succeeded`; `requires_capture` is an
 * authorised payment, paid as far as a recovery is concerned. The others are steps before
 * the customer is shown anything to pay: not actionable.
 */
const INTENT_STATUSES: ReadonlyMap<string, PaymentStatus> = new Map([
  ['requires_payment_method', 'other'],
  ['requires_confirmation', 'other'],
  ['requires_action', 'waiting'],
  ['processing', 'other'],
  ['requires_capture', 'paid'],
  ['canceled', 'cancelled'],
  ['succeeded', 'paid'],
]);

/**
 * A failed attempt puts the PaymentIntent back to `requires_payment_method`; only the
 * event's type says the PIX code was not paid (public integrations see an expired PIX so).
 */
const FAILED_EVENT = 'payment_intent.payment_failed';
const SESSION_FAILED_EVENT = 'checkout.session.async_payment_failed';

const paymentIntent = z
  .looseObject({
    object: z.literal('payment_intent'),
    id: requiredId,
    status: requiredWord,
    amount: centavos,
    currency: optionalWord,
    payment_method_types: wordList,
    next_action: nested({
      type: optionalWord,
      pix_display_qr_code: nested({ data: optionalText, hosted_instructions_url: optionalText }),
    }),
    receipt_email: optionalText,
    created: unixSeconds,
  })
  .meta({ required: ['object', 'id', 'status'] });

const checkoutSession = z
  .looseObject({
    object: z.literal('checkout.session'),
    id: requiredId,
    status: optionalWord,
    payment_status: requiredWord,
    /** Set once the customer confirmed; the PaymentIntent's own events carry this id. */
    payment_intent: optionalId,
    amount_total: centavos,
    currency: optionalWord,
    payment_method_types: wordList,
    customer_details: nested({ name: optionalText, email: optionalText, phone: optionalText }),
    url: optionalText,
    created: unixSeconds,
  })
  .meta({ required: ['object', 'id', 'payment_status'] });

/** A Stripe Event whose `data.object` is a PaymentIntent or a Checkout Session. */
const schema = z
  .looseObject({
    id: requiredId,
    type: requiredWord,
    created: unixSeconds,
    data: z
      .looseObject({
        object: z.discriminatedUnion('object', [paymentIntent, checkoutSession], {
          error:
            'must be a PaymentIntent or a Checkout Session (object "payment_intent" or "checkout.session")',
        }),
      })
      .meta({ required: ['object'] }),
  })
  .meta({
    required: ['id', 'type', 'data'],
    description:
      'A Stripe Event (`id`, `type`, `created`, `data.object`) about a PaymentIntent ' +
      '(`payment_intent.*`) or a Checkout Session (`checkout.session.*`). Authenticated by ' +
      '`Stripe-Signature` over the raw body.',
    inputExamples: [
      stripePaymentIntentEvent('pi_1001', {}, EXAMPLE_TIME),
      stripeCheckoutSessionEvent('cs_1001', {}, EXAMPLE_TIME),
    ],
  });

type Body = z.output<typeof schema>;
type Intent = z.output<typeof paymentIntent>;
type Session = z.output<typeof checkoutSession>;

/**
 * PIX when the PaymentIntent shows a PIX QR code or PIX is its only method; null when PIX
 * is one of several and the event doesn't say which was used (a paid one still ends a
 * PIX recovery); `other` without PIX.
 */
function methodOf(types: string[] | null, nextAction: string | null): PaymentMethod | null {
  if (nextAction === 'pix_display_qr_code') return 'pix';
  if (!types || types.length === 0) return null;
  if (!types.includes('pix')) return 'other';
  return types.length === 1 ? 'pix' : null;
}

/** Stripe's amounts are in the currency's smallest unit: centavos only for `brl`. */
function brlCentavos(amount: number | null, currency: string | null): number | null {
  return currency?.toLowerCase() === 'brl' ? amount : null;
}

function intentEvent(type: string, eventAt: string | null, pi: Intent) {
  const failed = type === FAILED_EVENT;
  const qr = pi.next_action?.pix_display_qr_code;
  const status = failed ? 'refused' : (INTENT_STATUSES.get(pi.status) ?? 'other');
  return {
    paymentId: pi.id,
    method: methodOf(pi.payment_method_types, pi.next_action?.type ?? null),
    rawMethod: pi.payment_method_types?.join(',') ?? null,
    status,
    rawStatus: failed ? `${pi.status} (${type})` : pi.status,
    amountCentavos: brlCentavos(pi.amount, pi.currency),
    // A PaymentIntent carries no name or phone (they are on the payment method or a
    // Checkout Session), so a recovery needs the Checkout Session's events.
    customer: { name: null, email: pi.receipt_email, phone: null },
    checkoutUrl: qr?.hosted_instructions_url ?? null,
    pixCode: qr?.data ?? null,
    createdAt: pi.created,
    paidAt: status === 'paid' ? eventAt : null,
  };
}

/**
 * A Checkout Session with PIX completes `unpaid` when the customer is shown the code, then
 * `async_payment_succeeded` (paid) or `async_payment_failed`; `expired` ends it unpaid.
 */
function sessionStatus(type: string, session: Session): PaymentStatus {
  if (type === SESSION_FAILED_EVENT) return 'refused';
  if (session.status === 'expired') return 'cancelled';
  if (session.payment_status === 'paid') return 'paid';
  if (session.status === 'complete' && session.payment_status === 'unpaid') return 'waiting';
  return 'other';
}

function sessionEvent(type: string, eventAt: string | null, session: Session) {
  const status = sessionStatus(type, session);
  return {
    // The PaymentIntent's id, so the session's events and the intent's meet in one recovery.
    paymentId: session.payment_intent ?? session.id,
    method: methodOf(session.payment_method_types, null),
    rawMethod: session.payment_method_types?.join(',') ?? null,
    status,
    rawStatus: `${type} (${session.status ?? '?'}, ${session.payment_status})`,
    amountCentavos: brlCentavos(session.amount_total, session.currency),
    customer: {
      name: session.customer_details?.name ?? null,
      email: session.customer_details?.email ?? null,
      phone: session.customer_details?.phone ?? null,
    },
    checkoutUrl: session.url,
    pixCode: null,
    createdAt: session.created,
    paidAt: status === 'paid' ? eventAt : null,
  };
}

export const stripe = defineAdapter({
  gateway: 'stripe',
  displayName: 'Stripe',
  schema,
  toEvent(body: Body) {
    const object = body.data.object;
    const mapped =
      object.object === 'payment_intent'
        ? intentEvent(body.type, body.created, object)
        : sessionEvent(body.type, body.created, object);
    return { gateway: 'stripe', ...mapped, updatedAt: body.created };
  },
});
