import type { PaymentEvent } from '../../../src/domain/payment-event';
import { decodeBody } from '../../../src/gateways/decode-body';
import { parseWebhook } from '../../../src/gateways';

function accepted(body: unknown): PaymentEvent {
  const result = parseWebhook('ghostpay', body);
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.issues)}`);
  return result.event;
}

const pending = {
  paymentId: 'gp_01HXYZ',
  externalId: 'order-77',
  customId: 'c-1',
  status: 'PENDING',
  paymentMethod: 'PIX',
  totalValue: 4990,
  netValue: 4700,
  customer: { name: 'João Conceição', email: 'joao@example.com', phone: '11987654321' },
  checkoutUrl: 'https://pay.example/c/gp_01HXYZ',
  pixCode: '00020126580014BR.GOV.BCB.PIX0136example5204000053039865405.49905802BR',
  pixQrCode: 'data:image/png;base64,AAAA',
  expiresAt: '2024-05-02T12:00:00Z',
  createdAt: '2024-05-01T12:00:00.000Z',
  updatedAt: '2024-05-01 09:01:00',
  approvedAt: null,
};

describe('a GhostPay webhook', () => {
  it('normalises to a waiting PIX event with its link and PIX code', () => {
    expect(accepted(pending)).toEqual({
      gateway: 'ghostpay',
      paymentId: 'gp_01HXYZ',
      method: 'pix',
      rawMethod: 'PIX',
      status: 'waiting',
      rawStatus: 'PENDING',
      amountCentavos: 4990,
      customer: { name: 'João Conceição', email: 'joao@example.com', phone: '11987654321' },
      checkoutUrl: 'https://pay.example/c/gp_01HXYZ',
      pixCode: pending.pixCode,
      createdAt: '2024-05-01T12:00:00.000Z',
      updatedAt: '2024-05-01T12:01:00.000Z',
      paidAt: null,
    });
  });

  it('that is approved carries approvedAt as the payment time', () => {
    const event = accepted({
      ...pending,
      status: 'APPROVED',
      approvedAt: '2024-05-01T09:05:00-03:00',
    });
    expect(event).toMatchObject({ status: 'paid', paidAt: '2024-05-01T12:05:00.000Z' });
  });

  it('with a numeric paymentId and a string amount is accepted as a string id and integer centavos', () => {
    expect(accepted({ ...pending, paymentId: 31337, totalValue: '12345' })).toMatchObject({
      paymentId: '31337',
      amountCentavos: 12345,
    });
  });

  it('without an amount or customer has them null', () => {
    const event = accepted({ paymentId: 'p', status: 'REJECTED' });
    expect(event).toMatchObject({
      status: 'refused',
      amountCentavos: null,
      checkoutUrl: null,
      pixCode: null,
    });
    expect(event.customer).toEqual({ name: null, email: null, phone: null });
  });

  it.each([
    [
      'has no paymentId, even with an externalId',
      { externalId: 'order-77', status: 'PENDING' },
      'paymentId',
    ],
    ['has an empty paymentId', { paymentId: '', status: 'PENDING' }, 'paymentId'],
    ['has no status', { paymentId: 'p' }, 'status'],
    [
      'has a decimal totalValue',
      { paymentId: 'p', status: 'PENDING', totalValue: 49.9 },
      'totalValue',
    ],
    [
      'has a customer phone that is an object',
      { paymentId: 'p', status: 'PENDING', customer: { phone: {} } },
      'customer.phone',
    ],
  ])('is refused when it %s, naming the field', (_, body, path) => {
    expect(parseWebhook('ghostpay', body)).toEqual({
      ok: false,
      issues: [{ path, message: expect.any(String) }],
    });
  });

  it('sent in ISO-8859-1 without a charset keeps the accents of the customer name', () => {
    const raw = Buffer.from(JSON.stringify(pending), 'latin1');
    expect(raw.includes(Buffer.from('ã', 'utf8'))).toBe(false); // really not UTF-8
    const event = accepted(JSON.parse(decodeBody(raw, 'application/json')));
    expect(event.customer.name).toBe('João Conceição');
  });
});
