import type { PaymentEvent } from '../../../src/domain/payment-event';
import { parseWebhook } from '../../../src/gateways';
import {
  STRIPE_PIX_CODE,
  stripeCheckoutSessionEvent,
  stripePaymentIntentEvent,
} from '../../../src/gateways/stripe/fixtures';

function accepted(body: unknown): PaymentEvent {
  const result = parseWebhook('stripe', body);
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.issues)}`);
  return result.event;
}

const AT = new Date('2026-11-29T00:30:00Z');

/** A PaymentIntent event with some of the intent's fields replaced. */
function intent(fields: Record<string, unknown>, type = 'payment_intent.updated') {
  const event = stripePaymentIntentEvent('pi_3MtwBw', {}, AT);
  return { ...event, type, data: { object: { ...event.data.object, ...fields } } };
}

/** A Checkout Session event with some of the session's fields replaced. */
function session(fields: Record<string, unknown>, type = 'checkout.session.completed') {
  const event = stripeCheckoutSessionEvent('cs_test_a1', {}, AT);
  return { ...event, type, data: { object: { ...event.data.object, ...fields } } };
}

describe('a Stripe PaymentIntent event', () => {
  it('waiting for a PIX payment reads as waiting PIX, with its QR code and instructions page', () => {
    expect(accepted(stripePaymentIntentEvent('pi_3MtwBw', {}, AT))).toEqual({
      gateway: 'stripe',
      paymentId: 'pi_3MtwBw',
      method: 'pix',
      rawMethod: 'pix',
      status: 'waiting',
      rawStatus: 'requires_action',
      amountCentavos: 4990,
      customer: { name: null, email: 'maria@example.com', phone: null },
      checkoutUrl: 'https://payments.stripe.com/pix/instructions/pi_3MtwBw',
      pixCode: STRIPE_PIX_CODE,
      createdAt: '2026-11-29T00:30:00.000Z',
      updatedAt: '2026-11-29T00:30:05.000Z',
      paidAt: null,
    });
  });

  it.each([
    ['requires_payment_method', 'other'],
    ['requires_confirmation', 'other'],
    ['requires_action', 'waiting'],
    ['processing', 'other'],
    ['requires_capture', 'paid'],
    ['canceled', 'cancelled'],
    ['succeeded', 'paid'],
    ['a_status_stripe_adds_later', 'other'],
  ])('with status %s reads as %s', (status, expected) => {
    expect(accepted(intent({ status }))).toMatchObject({ status: expected, rawStatus: status });
  });

  it('payment_intent.payment_failed (the PIX code went unpaid) reads as refused', () => {
    const event = accepted(
      intent(
        { status: 'requires_payment_method', next_action: null },
        'payment_intent.payment_failed',
      ),
    );

    expect(event).toMatchObject({
      status: 'refused',
      rawStatus: 'requires_payment_method (payment_intent.payment_failed)',
    });
  });

  it('succeeded is paid at the event time', () => {
    const event = accepted(intent({ status: 'succeeded', next_action: null }));

    expect(event).toMatchObject({ status: 'paid', paidAt: '2026-11-29T00:30:05.000Z' });
  });

  it.each<[string, Record<string, unknown>, string | null]>([
    ['PIX as the only method', { payment_method_types: ['pix'], next_action: null }, 'pix'],
    [
      'a PIX QR code shown, whatever else was offered',
      { payment_method_types: ['card', 'pix'] },
      'pix',
    ],
    [
      'PIX among others, none shown yet',
      { payment_method_types: ['card', 'pix'], next_action: null },
      null,
    ],
    ['a card', { payment_method_types: ['card'], next_action: null }, 'other'],
    ['no methods listed', { payment_method_types: null, next_action: null }, null],
  ])('with %s has method %s', (_what, fields, method) => {
    expect(accepted(intent(fields)).method).toBe(method);
  });

  it.each<[string, number, string, number | null]>([
    ['brl, in centavos', 4990, 'brl', 4990],
    ['BRL in upper case', 100, 'BRL', 100],
    ['another currency: not centavos, not read', 4990, 'usd', null],
  ])('amount in %s', (_what, amount, currency, expected) => {
    expect(accepted(intent({ amount, currency })).amountCentavos).toBe(expected);
  });

  it('a fraction of a centavo is refused: Stripe sends whole units', () => {
    const result = parseWebhook('stripe', intent({ amount: 49.9 }));

    expect(result).toMatchObject({ ok: false, issues: [{ path: 'data.object.amount' }] });
  });
});

describe('a Stripe Checkout Session event', () => {
  it('completed unpaid (PIX code shown) is waiting, with the phone from customer_details', () => {
    expect(accepted(stripeCheckoutSessionEvent('cs_test_a1', {}, AT))).toEqual({
      gateway: 'stripe',
      // The PaymentIntent's id: its own events and the session's reach one recovery.
      paymentId: 'pi_cs_test_a1',
      method: 'pix',
      rawMethod: 'pix',
      status: 'waiting',
      rawStatus: 'checkout.session.completed (complete, unpaid)',
      amountCentavos: 4990,
      customer: { name: 'Maria Silva', email: 'maria@example.com', phone: '+5521987654321' },
      checkoutUrl: null,
      pixCode: null,
      createdAt: '2026-11-29T00:30:00.000Z',
      updatedAt: '2026-11-29T00:30:05.000Z',
      paidAt: null,
    });
  });

  it.each([
    ['unpaid', 'waiting'],
    ['paid', 'paid'],
    ['async_payment_failed', 'refused'],
    ['expired', 'cancelled'],
  ])('in state %s reads as %s', (state, expected) => {
    const event = accepted(stripeCheckoutSessionEvent('cs_test_a1', { status: state }, AT));

    expect(event.status).toBe(expected);
  });

  it('still open (the customer has not confirmed) is not actionable', () => {
    expect(accepted(session({ status: 'open', payment_status: 'unpaid' })).status).toBe('other');
  });

  it('that needed no payment is not actionable', () => {
    const event = accepted(session({ payment_status: 'no_payment_required' }));

    expect(event.status).toBe('other');
  });

  it('without a PaymentIntent yet is filed under the session id', () => {
    expect(accepted(session({ payment_intent: null })).paymentId).toBe('cs_test_a1');
  });

  it('without phone collection has no phone', () => {
    const event = accepted(
      session({ customer_details: { name: 'Maria', email: 'maria@example.com', phone: null } }),
    );

    expect(event.customer.phone).toBeNull();
  });

  it('reads amount_total in centavos', () => {
    expect(accepted(session({ amount_total: 12_345 })).amountCentavos).toBe(12_345);
  });
});

describe('a Stripe event that is neither', () => {
  it('is refused field by field (422): its object is named', () => {
    const result = parseWebhook('stripe', {
      id: 'evt_1',
      type: 'charge.refunded',
      data: { object: { object: 'charge', id: 'ch_1' } },
    });

    expect(result).toMatchObject({ ok: false, issues: [{ path: 'data.object.object' }] });
  });

  it('without a type is refused', () => {
    const { type: _type, ...body } = stripePaymentIntentEvent('pi_1', {}, AT);

    expect(parseWebhook('stripe', body)).toMatchObject({
      ok: false,
      issues: [{ path: 'type' }],
    });
  });
});
