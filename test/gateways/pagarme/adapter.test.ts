import type { PaymentEvent } from '../../../src/domain/payment-event';
import { parseWebhook } from '../../../src/gateways';
import {
  PAGARME_PIX_CODE,
  pagarmeChargeEvent,
  pagarmeOrderEvent,
} from '../../../src/gateways/pagarme/fixtures';

function accepted(body: unknown): PaymentEvent {
  const result = parseWebhook('pagarme', body);
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.issues)}`);
  return result.event;
}

const AT = new Date('2026-11-29T00:30:00Z');

/** A charge event with some of the charge's fields replaced. */
function charge(fields: Record<string, unknown>, type = 'charge.updated') {
  const event = pagarmeChargeEvent('or_ZdnB5BBCmYhk534R', {}, AT);
  return { ...event, type, data: { ...event.data, ...fields } };
}

/** The documented customer with these phones. */
function withPhones(phones: unknown) {
  const event = charge({});
  return charge({ customer: { ...event.data.customer, phones } });
}

describe('a Pagar.me order event', () => {
  it('for a pending PIX order reads as waiting PIX, filed under the order id', () => {
    expect(accepted(pagarmeOrderEvent('or_ZdnB5BBCmYhk534R', {}, AT))).toEqual({
      gateway: 'pagarme',
      paymentId: 'or_ZdnB5BBCmYhk534R',
      method: 'pix',
      rawMethod: 'pix',
      status: 'waiting',
      rawStatus: 'pending',
      amountCentavos: 4990,
      customer: { name: 'Maria Silva', email: 'maria@example.com', phone: '+5521987654321' },
      checkoutUrl: null,
      pixCode: PAGARME_PIX_CODE,
      createdAt: '2026-11-29T00:30:00.000Z',
      updatedAt: '2026-11-29T00:30:05.000Z',
      paidAt: null,
    });
  });

  it.each([
    ['pending', 'waiting'],
    ['processing', 'other'],
    ['paid', 'paid'],
    ['canceled', 'cancelled'],
    ['failed', 'refused'],
  ])('with status %s reads as %s', (status, expected) => {
    const event = accepted(pagarmeOrderEvent('or_1', { status }, AT));

    expect(event).toMatchObject({ status: expected, rawStatus: status });
  });

  it('paid carries the charge’s paid_at', () => {
    const event = accepted(pagarmeOrderEvent('or_1', { status: 'paid' }, AT));

    expect(event.paidAt).toBe('2026-11-29T00:30:05.000Z');
  });

  it('as the documentation shows it (no phones, no charge details) is recorded without a phone or method', () => {
    const event = accepted({
      id: 'hook_RyEKQO789TRpZjv5',
      account: { id: 'acc_jZkdN857et650oNv', name: 'Lojinha' },
      type: 'order.paid',
      created_at: '2017-06-29T20:23:47',
      data: {
        id: 'or_ZdnB5BBCmYhk534R',
        code: '1303724',
        amount: 12356,
        currency: 'BRL',
        customer: { id: 'cus_x', name: 'FABIO ', email: 'f@example.com', phones: {} },
        status: 'paid',
        created_at: '2022-06-29T20:23:42',
        charges: [{ id: 'ch_d22356Jf4WuGr8no', code: '1303624', status: 'paid' }],
      },
    });

    expect(event).toMatchObject({
      paymentId: 'or_ZdnB5BBCmYhk534R',
      status: 'paid',
      amountCentavos: 12356,
      method: null,
      customer: { name: 'FABIO ', phone: null },
      // A time without an offset: which zone Pagar.me means is not documented.
      createdAt: null,
    });
  });

  it('with a card charge is not PIX', () => {
    const event = pagarmeOrderEvent('or_1', { method: 'credit_card' }, AT);

    expect(accepted(event)).toMatchObject({ method: 'other', rawMethod: 'credit_card' });
  });
});

describe('a Pagar.me charge event', () => {
  it('for a pending PIX charge reads as waiting PIX under its order id, so both kinds of event meet', () => {
    expect(accepted(pagarmeChargeEvent('or_ZdnB5BBCmYhk534R', {}, AT))).toMatchObject({
      paymentId: 'or_ZdnB5BBCmYhk534R',
      method: 'pix',
      status: 'waiting',
      rawStatus: 'pending',
      amountCentavos: 4990,
      customer: { phone: '+5521987654321' },
      pixCode: PAGARME_PIX_CODE,
    });
  });

  it.each([
    ['pending', 'waiting'],
    ['processing', 'other'],
    ['paid', 'paid'],
    ['overpaid', 'paid'],
    ['underpaid', 'other'],
    ['canceled', 'cancelled'],
    ['failed', 'refused'],
    ['chargedback', 'chargedback'],
    ['something_new', 'other'],
  ])('with status %s reads as %s', (status, expected) => {
    expect(accepted(charge({ status })).status).toBe(expected);
  });

  it.each([
    ['charge.refunded', 'refunded'],
    ['charge.chargedback', 'chargedback'],
  ])('%s reads as %s whatever the status', (type, expected) => {
    expect(accepted(charge({ status: 'paid' }, type)).status).toBe(expected);
  });

  it('is PIX by its last transaction when the method is missing', () => {
    const event = accepted(charge({ payment_method: null }));

    expect(event.method).toBe('pix');
  });

  it('without its order is refused: its order and charge events could not meet', () => {
    const { order: _order, ...data } = pagarmeChargeEvent('or_1', {}, AT).data;

    expect(parseWebhook('pagarme', { type: 'charge.paid', data })).toMatchObject({
      ok: false,
      issues: [{ path: 'data.order' }],
    });
  });
});

describe("a Pagar.me buyer's phone", () => {
  it.each<[string, unknown, string | null]>([
    [
      'mobile, split',
      { mobile_phone: { country_code: '55', area_code: '11', number: '987654321' } },
      '+5511987654321',
    ],
    [
      'without a country code',
      { mobile_phone: { area_code: '11', number: '987654321' } },
      '11987654321',
    ],
    [
      'home only',
      { home_phone: { country_code: '55', area_code: '11', number: '33334444' } },
      '+551133334444',
    ],
    [
      'mobile before home',
      {
        home_phone: { country_code: '55', area_code: '11', number: '33334444' },
        mobile_phone: { country_code: '55', area_code: '21', number: '987654321' },
      },
      '+5521987654321',
    ],
    ['none (`{}`, as the documentation shows)', {}, null],
    ['without its number', { mobile_phone: { country_code: '55', area_code: '11' } }, null],
  ])('%s is %s', (_what, phones, expected) => {
    expect(accepted(withPhones(phones)).customer.phone).toBe(expected);
  });
});

describe('Pagar.me amounts', () => {
  it.each<[unknown, number | null]>([
    [4990, 4990],
    [1, 1],
    [null, null],
  ])('%s centavos read as %s', (amount, expected) => {
    expect(accepted(charge({ amount })).amountCentavos).toBe(expected);
  });

  it('a fraction is refused: amounts are integer centavos', () => {
    expect(parseWebhook('pagarme', charge({ amount: 49.9 }))).toMatchObject({
      ok: false,
      issues: [{ path: 'data.amount' }],
    });
  });
});

test('an event that is neither an order nor a charge event is refused', () => {
  expect(parseWebhook('pagarme', { type: 'customer.created', data: {} })).toMatchObject({
    ok: false,
    issues: [{ path: 'type' }],
  });
});
