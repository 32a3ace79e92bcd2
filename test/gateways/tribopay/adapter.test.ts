import type { PaymentEvent } from '../../../src/domain/payment-event';
import { parseWebhook } from '../../../src/gateways';

function accepted(body: unknown): PaymentEvent {
  const result = parseWebhook('tribopay', body);
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.issues)}`);
  return result.event;
}

function refused(body: unknown) {
  const result = parseWebhook('tribopay', body);
  if (result.ok) throw new Error('accepted a body that should be refused');
  return result.issues;
}

const postback = {
  token: 'k9i21ah8ta',
  event: 'transaction',
  status: 'waiting_payment',
  method: 'pix',
  created_at: '2024-05-01 09:30:00',
  paid_at: null,
  platform: 'web',
  tracking: { utm_source: 'ig' },
  items: [{ title: 'Curso', price: 4990 }],
  customer: { name: 'Maria Silva', email: 'maria@example.com', phone_number: '(21) 99999-9999' },
  transaction: { id: 'h6i8riryrk', status: 'waiting_payment', amount: 4990 },
};

describe('a TriboPay postback', () => {
  it('normalises to a waiting PIX event with its customer, amount and Brazil-time timestamp in UTC', () => {
    expect(accepted(postback)).toEqual({
      gateway: 'tribopay',
      paymentId: 'h6i8riryrk',
      method: 'pix',
      rawMethod: 'pix',
      status: 'waiting',
      rawStatus: 'waiting_payment',
      amountCentavos: 4990,
      customer: { name: 'Maria Silva', email: 'maria@example.com', phone: '(21) 99999-9999' },
      checkoutUrl: null,
      pixCode: null,
      createdAt: '2024-05-01T12:30:00.000Z',
      updatedAt: null,
      paidAt: null,
    });
  });

  it('that is the minimal paid example from docs/gateways.md, with no customer, is accepted', () => {
    const event = accepted({
      token: 'k9i21ah8ta',
      event: 'transaction',
      status: 'paid',
      transaction: { id: 'h6i8riryrk', status: 'paid', amount: '4990' },
    });
    expect(event).toMatchObject({
      paymentId: 'h6i8riryrk',
      status: 'paid',
      amountCentavos: 4990,
      method: null,
    });
    expect(event.customer).toEqual({ name: null, email: null, phone: null });
  });

  it.each([
    ['transaction.hash', { transaction: { hash: 'hash-in-tx' } }, 'hash-in-tx'],
    ['top-level hash', { hash: 'top-hash', transaction: {} }, 'top-hash'],
    ['a numeric transaction.id', { transaction: { id: 123456 } }, '123456'],
    [
      'transaction.id over hash',
      { hash: 'top-hash', transaction: { id: 'tx-id', hash: 'tx-hash' } },
      'tx-id',
    ],
  ])('takes the payment id from %s', (_, body, paymentId) => {
    expect(accepted({ status: 'paid', ...body }).paymentId).toBe(paymentId);
  });

  it('takes the status from transaction.status when the top-level one is missing', () => {
    expect(accepted({ transaction: { id: 'x', status: 'refunded' } }).status).toBe('refunded');
  });

  it('reads customer.phone when phone_number is absent', () => {
    expect(accepted({ ...postback, customer: { phone: '+5521999999999' } }).customer.phone).toBe(
      '+5521999999999',
    );
  });

  it('with an empty customer written as [] (PHP json_encode) is accepted without a customer', () => {
    expect(accepted({ ...postback, customer: [] }).customer).toEqual({
      name: null,
      email: null,
      phone: null,
    });
  });

  it('keeps unknown fields out of the event without refusing them', () => {
    expect(accepted({ ...postback, brand_new_field: { nested: true } }).paymentId).toBe(
      'h6i8riryrk',
    );
  });

  it('with an unreadable timestamp is still accepted, with that timestamp null', () => {
    expect(accepted({ ...postback, created_at: 'yesterday' }).createdAt).toBeNull();
  });
});

describe('a TriboPay flat webhook', () => {
  it('normalises like a postback', () => {
    const event = accepted({
      id: 98765,
      payment_method: 'pix',
      payment_status: 'waiting',
      amount: 12990,
      created_at: '2024-05-01T10:00:00-03:00',
      updated_at: '2024-05-01T13:05:00Z',
      customer: { phone_number: '11987654321', name: 'JOÃO', email: 'joao@example.com' },
    });
    expect(event).toMatchObject({
      paymentId: '98765',
      method: 'pix',
      status: 'waiting',
      amountCentavos: 12990,
      createdAt: '2024-05-01T13:00:00.000Z',
      updatedAt: '2024-05-01T13:05:00.000Z',
      customer: { phone: '11987654321', name: 'JOÃO', email: 'joao@example.com' },
    });
  });
});

describe('a TriboPay webhook that is refused', () => {
  it.each([
    [
      'has no payment id anywhere',
      { status: 'paid', transaction: { amount: 100 } },
      'transaction.id',
    ],
    [
      'has only empty-string ids',
      { status: 'paid', id: '', transaction: { id: '  ' } },
      'transaction.id',
    ],
    ['has no status anywhere', { transaction: { id: 'x' } }, 'status'],
    [
      'sends reais instead of centavos',
      { status: 'paid', transaction: { id: 'x', amount: '49.90' } },
      'transaction.amount',
    ],
    [
      'sends a fractional number',
      { status: 'paid', transaction: { id: 'x', amount: 49.9 } },
      'transaction.amount',
    ],
    [
      'sends a negative amount',
      { status: 'paid', transaction: { id: 'x', amount: -100 } },
      'transaction.amount',
    ],
    [
      'sends a flat amount that is not a number',
      { status: 'paid', id: 'x', amount: 'lots' },
      'amount',
    ],
    ['sends a status that is not a word', { status: 7, transaction: { id: 'x' } }, 'status'],
    [
      'sends a customer that is not an object',
      { status: 'paid', id: 'x', customer: 'Maria' },
      'customer',
    ],
    [
      'sends an id that is an object',
      { status: 'paid', transaction: { id: { v: 1 } } },
      'transaction.id',
    ],
  ])('when it %s, naming the field', (_, body, path) => {
    expect(refused(body)).toEqual([{ path, message: expect.any(String) }]);
  });

  it('lists every problem at once', () => {
    const paths = refused({ transaction: { amount: '12,50' }, customer: 5 }).map(
      (issue) => issue.path,
    );
    expect(paths.sort()).toEqual(['customer', 'status', 'transaction.amount', 'transaction.id']);
  });

  it('explains a decimal amount in words a gateway engineer understands', () => {
    const [issue] = refused({ status: 'paid', transaction: { id: 'x', amount: '49.90' } });
    expect(issue.message).toMatch(/centavos/);
  });
});
