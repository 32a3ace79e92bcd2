import { GATEWAYS, type Gateway, type PaymentEvent } from '../../src/domain/payment-event';
import { adapters, parseWebhook } from '../../src/gateways';

/** The gateways that share one vocabulary (src/gateways/vocabulary.ts); the others have their own tables. */
const bodies = {
  tribopay: (status, method) => ({ status, method, transaction: { id: 'tx-1', amount: 4990 } }),
  ghostpay: (status, method) => ({
    paymentId: 'pay-1',
    status,
    paymentMethod: method,
    totalValue: 4990,
  }),
} satisfies Partial<Record<Gateway, (status: string, method?: string) => unknown>>;
type SharedVocabulary = keyof typeof bodies;
const SHARED_VOCABULARY = Object.keys(bodies) as SharedVocabulary[];

function eventFor(gateway: SharedVocabulary, status: string, method?: string): PaymentEvent {
  const result = parseWebhook(gateway, bodies[gateway](status, method));
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.event;
}

describe.each(SHARED_VOCABULARY)('a %s webhook', (gateway) => {
  it.each([
    ['waiting', 'waiting'],
    ['waiting_payment', 'waiting'],
    ['pending', 'waiting'],
    ['PENDING', 'waiting'],
    ['IN_REVIEW', 'waiting'],
    ['paid', 'paid'],
    ['authorized', 'paid'],
    ['APPROVED', 'paid'],
    ['refused', 'refused'],
    ['REJECTED', 'refused'],
    ['canceled', 'cancelled'],
    ['cancelled', 'cancelled'],
    ['refunded', 'refunded'],
    ['REFUNDED', 'refunded'],
    ['chargedback', 'chargedback'],
    ['CHARGEBACK', 'chargedback'],
    ['antifraud', 'other'],
    ['something_new', 'other'],
    ['  Paid ', 'paid'],
    ['Waiting_Payment', 'waiting'],
  ])('with status %j means %s and keeps the spelling it came in', (raw, status) => {
    const event = eventFor(gateway, raw);
    expect(event.status).toBe(status);
    expect(event.rawStatus).toBe(raw);
  });

  it.each([
    ['pix', 'pix'],
    ['PIX', 'pix'],
    ['credit_card', 'credit_card'],
    ['CREDIT_CARD', 'credit_card'],
    ['DEBIT_CARD', 'debit_card'],
    ['billet', 'boleto'],
    ['boleto', 'boleto'],
    ['BOLETO', 'boleto'],
    ['BILLET', 'boleto'],
    ['crypto', 'other'],
    [' Pix ', 'pix'],
  ])('with method %j means %s', (raw, method) => {
    const event = eventFor(gateway, 'waiting', raw);
    expect(event.method).toBe(method);
    expect(event.rawMethod).toBe(raw);
  });

  it('without a method has a null method', () => {
    const event = eventFor(gateway, 'paid');
    expect(event.method).toBeNull();
    expect(event.rawMethod).toBeNull();
  });

  it('is tagged with its gateway', () => {
    expect(eventFor(gateway, 'paid').gateway).toBe(gateway);
  });

  it.each([null, 'not json', 42, ['a', 'list']])(
    'that is not an object (%j) is refused at the root',
    (body) => {
      expect(parseWebhook(gateway, body)).toEqual({
        ok: false,
        issues: [expect.objectContaining({ path: '(root)' })],
      });
    },
  );
});

describe('the gateway registry', () => {
  it('has an adapter for every gateway, named as customers know it', () => {
    expect(Object.fromEntries(GATEWAYS.map((g) => [g, adapters[g].displayName]))).toEqual({
      tribopay: 'TriboPay',
      ghostpay: 'GhostPay',
      mercadopago: 'Mercado Pago',
      asaas: 'Asaas',
      stripe: 'Stripe',
      pagarme: 'Pagar.me',
    });
    for (const gateway of GATEWAYS) expect(adapters[gateway].gateway).toBe(gateway);
  });
});

test('a payment id longer than the audit column is refused field by field, not stored', () => {
  const result = parseWebhook('ghostpay', {
    paymentId: 'x'.repeat(129),
    status: 'PENDING',
    paymentMethod: 'PIX',
  });
  expect(result).toEqual({
    ok: false,
    issues: [{ path: 'paymentId', message: 'must be at most 128 characters' }],
  });
});
