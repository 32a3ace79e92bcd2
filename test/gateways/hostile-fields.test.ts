import type { Gateway, PaymentEvent } from '../../src/domain/payment-event';
import { parseWebhook } from '../../src/gateways';
import { isValidBrCode } from '../../src/gateways/br-code';
import { TEXT_LIMITS } from '../../src/gateways/clip';
import { withTrustedLinks } from '../../src/gateways/links';
import { firstName } from '../../src/sms/template';

const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

/** Every gateway whose webhook carries a status and a method (Mercado Pago's carries neither). */
const bodies = {
  tribopay: (status: string, method: string) => ({
    status,
    method,
    transaction: { id: 'tx-1', amount: 4990 },
  }),
  ghostpay: (status: string, method: string) => ({
    paymentId: 'pay-1',
    status,
    paymentMethod: method,
  }),
  asaas: (status: string, method: string) => ({
    event: 'PAYMENT_UPDATED',
    payment: { id: 'pay_1', status, billingType: method },
  }),
  stripe: (status: string, method: string) => ({
    id: 'evt_1',
    type: 'payment_intent.updated',
    data: {
      object: { object: 'payment_intent', id: 'pi_1', status, payment_method_types: [method] },
    },
  }),
  pagarme: (status: string, method: string) => ({
    type: 'charge.updated',
    data: { id: 'ch_1', status, payment_method: method, order: { id: 'or_1' } },
  }),
} satisfies Partial<Record<Gateway, (status: string, method: string) => unknown>>;
const WORDED = Object.keys(bodies) as (keyof typeof bodies)[];

function eventOf(gateway: Gateway, body: unknown): PaymentEvent {
  const result = parseWebhook(gateway, body);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.event;
}

describe.each(WORDED)('a %s webhook with a prototype key for a word', (gateway) => {
  it.each(PROTOTYPE_KEYS)('"%s" as status or method is an unknown word, kept as text', (key) => {
    const asStatus = eventOf(gateway, bodies[gateway](key, 'pix'));
    expect(asStatus.status).toBe('other');
    expect(asStatus.rawStatus).toBe(key);
    const asMethod = eventOf(gateway, bodies[gateway]('waiting', key));
    expect(asMethod.method).toBe('other');
    expect(asMethod.rawMethod).toBe(key);
    // Strings all the way down: nothing from Object.prototype leaks into the event.
    expect(JSON.parse(JSON.stringify(asStatus)).status).toBe('other');
  });
});

describe('free text from a webhook', () => {
  const huge = 'A'.repeat(900_000);
  const event = eventOf('ghostpay', {
    paymentId: 'pay-huge',
    status: `pending${'x'.repeat(1_000)}`,
    paymentMethod: `pix${'y'.repeat(1_000)}`,
    customer: { name: `${huge} Silva`, email: huge, phone: huge },
    checkoutUrl: `https://pay.example.com/${huge}`,
    pixCode: huge,
  });

  it('is clipped to its column width before it is stored or handed to Temporal', () => {
    expect(event.rawStatus).toHaveLength(TEXT_LIMITS.rawStatus);
    expect(event.rawMethod).toHaveLength(TEXT_LIMITS.rawMethod);
    expect(event.customer.name).toHaveLength(TEXT_LIMITS.name);
    expect(event.customer.email).toHaveLength(TEXT_LIMITS.email);
    expect(event.customer.phone).toHaveLength(TEXT_LIMITS.phone);
    expect(JSON.stringify(event).length).toBeLessThan(2_000);
  });

  it('drops a link too long to send rather than cutting it (a cut link goes elsewhere)', () => {
    expect(event.checkoutUrl).toBeNull();
    expect(event.pixCode).toBeNull();
  });

  it('never leaves half of a surrogate pair at the cut', () => {
    const emoji = eventOf('ghostpay', {
      paymentId: 'pay-emoji',
      status: 'pending',
      customer: { name: `${'a'.repeat(TEXT_LIMITS.name - 1)}😀😀` },
    });
    expect(emoji.customer.name).toHaveLength(TEXT_LIMITS.name - 1);
  });

  it('gives a name too long to be a first name no place in the SMS ("Oi!")', () => {
    expect(firstName(event.customer.name)).toBeNull();
    expect(firstName('Maria Silva')).toBe('Maria');
  });
});

/** The example payload of the BR Code manual (Banco Central do Brasil): CRC 1D3D. */
const VALID_BR_CODE =
  '00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D';

describe('a PIX copy-and-paste code', () => {
  it('is a BR Code when its CRC16-CCITT checksum verifies', () => {
    expect(isValidBrCode(VALID_BR_CODE)).toBe(true);
    expect(isValidBrCode(VALID_BR_CODE.replace(/1D3D$/, '1d3d'))).toBe(true);
  });

  it.each([
    ['a wrong checksum', VALID_BR_CODE.replace(/1D3D$/, '1D3E')],
    ['a changed amount-free payload', VALID_BR_CODE.replace('Fulano', 'Golpes')],
    ['no format indicator', VALID_BR_CODE.slice(6)],
    ['a field whose length overruns', VALID_BR_CODE.replace('5913', '5999')],
    ['a URL', 'https://evil.example/pague-aqui'],
    ['nothing', ''],
  ])('is not a BR Code with %s', (_, code) => {
    expect(isValidBrCode(code)).toBe(false);
  });
});

describe('links in a webhook, against CHECKOUT_LINK_HOSTS', () => {
  const base = eventOf('ghostpay', { paymentId: 'pay-links', status: 'pending' });
  const withLinks = (checkoutUrl: string | null, pixCode: string | null = null) =>
    withTrustedLinks({ ...base, checkoutUrl, pixCode }, ['pay.example.com']);

  it('keeps an https link on a trusted host and a valid BR Code', () => {
    const event = withLinks('https://pay.example.com/c/123', VALID_BR_CODE);
    expect(event).toMatchObject({
      checkoutUrl: 'https://pay.example.com/c/123',
      pixCode: VALID_BR_CODE,
    });
    expect(event.withheld).toBeUndefined();
  });

  it.each([
    ['http://pay.example.com/c/1', 'not https'],
    ['https://evil.example/pague-aqui', 'host evil.example not in CHECKOUT_LINK_HOSTS'],
    [
      'https://pay.example.com.evil.example/c',
      'host pay.example.com.evil.example not in CHECKOUT_LINK_HOSTS',
    ],
    ['https://user:pw@pay.example.com/c', 'carries credentials'],
    ['javascript:alert(1)', 'not https'],
    ['pague aqui', 'not a URL'],
  ])('withholds %s, recording why', (url, reason) => {
    const event = withLinks(url);
    expect(event.checkoutUrl).toBeNull();
    expect(event.withheld).toEqual([{ field: 'checkoutUrl', reason }]);
  });

  it('withholds every webhook link while CHECKOUT_LINK_HOSTS is unset', () => {
    const event = withTrustedLinks({ ...base, checkoutUrl: 'https://pay.example.com/c' }, []);
    expect(event.checkoutUrl).toBeNull();
    expect(event.withheld).toEqual([
      { field: 'checkoutUrl', reason: 'no CHECKOUT_LINK_HOSTS configured' },
    ]);
  });

  it('withholds a PIX code whose checksum does not verify', () => {
    const event = withLinks(null, VALID_BR_CODE.replace(/1D3D$/, '0000'));
    expect(event.pixCode).toBeNull();
    expect(event.withheld).toEqual([
      { field: 'pixCode', reason: 'not a BR Code whose CRC16 checksum verifies' },
    ]);
  });
});
