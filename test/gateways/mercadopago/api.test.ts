/** The Payments API client against the Mercado Pago emulator: answers, refusals and faults. */
import {
  createMercadopagoStatusSource,
  fetchMercadopagoPayment,
  type MercadopagoApi,
} from '../../../src/gateways/mercadopago/api';
import {
  startMercadopagoEmulator,
  type MercadopagoEmulator,
} from '../../../src/gateways/mercadopago/emulator';
import { mercadopagoPixPayment } from '../../../src/gateways/mercadopago/fixtures';

let emulator: MercadopagoEmulator;
let api: MercadopagoApi;

beforeAll(async () => {
  emulator = await startMercadopagoEmulator();
  api = { url: emulator.url, accessToken: emulator.accessToken, timeoutMs: 300 };
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

test('a payment is read with the access token as a bearer token', async () => {
  emulator.setPayment('5466310457', mercadopagoPixPayment('5466310457'));
  const event = await fetchMercadopagoPayment(api, '5466310457');
  expect(event).toMatchObject({ paymentId: '5466310457', status: 'waiting', method: 'pix' });
  expect(emulator.requests()).toMatchObject([
    {
      method: 'GET',
      path: '/v1/payments/5466310457',
      headers: { authorization: `Bearer ${emulator.accessToken}` },
    },
  ]);
});

test.each([
  [
    'a wrong access token',
    { accessToken: 'APP_USR-wrong' },
    'unauthorized',
    /MERCADOPAGO_ACCESS_TOKEN/,
  ],
  ['an unknown payment', {}, 'not_found', /404/],
])('%s is a %s failure', async (_name, change, failure, message) => {
  await expect(fetchMercadopagoPayment({ ...api, ...change }, '1')).rejects.toMatchObject({
    failure,
    message,
  });
});

test.each([
  ['a 5xx', { kind: 'answer', httpStatus: 503, body: 'unavailable' } as const, 'http_error'],
  [
    'a body that is not JSON',
    { kind: 'answer', httpStatus: 200, body: '<html>' } as const,
    'bad_response',
  ],
  [
    'a JSON body that is not a payment',
    { kind: 'answer', httpStatus: 200, body: '{"a":1}' } as const,
    'bad_response',
  ],
  ['no answer within the timeout', { kind: 'delay', ms: 5_000 } as const, 'timeout'],
  ['a dropped connection', { kind: 'drop' } as const, 'unreachable'],
])('%s is a %s failure, then the next call succeeds', async (_name, fault, failure) => {
  emulator.setPayment('7', mercadopagoPixPayment('7'));
  emulator.failNext(fault);
  await expect(fetchMercadopagoPayment(api, '7')).rejects.toMatchObject({ failure });
  await expect(fetchMercadopagoPayment(api, '7')).resolves.toMatchObject({ status: 'waiting' });
});

test('an id that would name another resource is never sent', async () => {
  await expect(fetchMercadopagoPayment(api, '..')).rejects.toMatchObject({ failure: 'invalid_id' });
  expect(emulator.requests()).toHaveLength(0);
});

test('the status source reports the status in our words and Mercado Pago’s', async () => {
  emulator.setPayment(
    '8',
    mercadopagoPixPayment('8', { status: 'approved', status_detail: 'accredited' }),
  );
  await expect(createMercadopagoStatusSource(api).currentStatus('8')).resolves.toEqual({
    status: 'paid',
    rawStatus: 'approved/accredited',
  });
});

test('the emulator binds to loopback only', async () => {
  await expect(startMercadopagoEmulator({ host: '0.0.0.0' })).rejects.toThrow(/loopback only/);
});
