/** The Asaas API client against the Asaas emulator: the charge, its customer, its PIX code. */
import {
  createAsaasStatusSource,
  enrichAsaasCharge,
  type AsaasApi,
} from '../../../src/gateways/asaas/api';
import { startAsaasEmulator, type AsaasEmulator } from '../../../src/gateways/asaas/emulator';
import { asaasCustomer, asaasPixCharge } from '../../../src/gateways/asaas/fixtures';
import { isValidBrCode } from '../../../src/gateways/br-code';

let emulator: AsaasEmulator;
let api: AsaasApi;

beforeAll(async () => {
  emulator = await startAsaasEmulator();
  api = { url: emulator.url, apiKey: emulator.apiKey, timeoutMs: 300 };
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

function knownCharge(id: string, overrides: Record<string, unknown> = {}) {
  emulator.setCharge({ ...asaasPixCharge(id, overrides), id });
  emulator.setCustomer({ ...asaasCustomer(`cus_${id}`), id: `cus_${id}` });
}

test('a waiting PIX charge gets its customer’s mobile and its copy-and-paste code', async () => {
  knownCharge('pay_1');
  const event = await enrichAsaasCharge(api, 'pay_1');
  expect(event).toMatchObject({
    paymentId: 'pay_1',
    status: 'waiting',
    method: 'pix',
    amountCentavos: 4990,
    customer: { name: 'Maria Silva', email: 'maria@example.com', phone: '21987654321' },
  });
  expect(isValidBrCode(event.pixCode!)).toBe(true);
  expect(emulator.requests().map((r) => r.path)).toEqual([
    '/v3/payments/pay_1',
    '/v3/customers/cus_pay_1',
    '/v3/payments/pay_1/pixQrCode',
  ]);
  // The documented headers: the key in access_token, and a User-Agent.
  for (const request of emulator.requests()) {
    expect(request.headers).toMatchObject({ access_token: emulator.apiKey });
    expect(request.headers['user-agent']).toBeTruthy();
  }
});

test('without a mobile number the other phone field is used', async () => {
  knownCharge('pay_2');
  emulator.setCustomer({ ...asaasCustomer('cus_pay_2', { mobilePhone: null }), id: 'cus_pay_2' });
  expect((await enrichAsaasCharge(api, 'pay_2')).customer.phone).toBe('2133334444');
});

test('a charge that is no longer waiting is not enriched further', async () => {
  knownCharge('pay_3', { status: 'RECEIVED' });
  expect(await enrichAsaasCharge(api, 'pay_3')).toMatchObject({ status: 'paid' });
  expect(emulator.requests()).toHaveLength(1);
});

test.each([
  ['a wrong API key', { apiKey: 'wrong' }, 'unauthorized', /ASAAS_API_KEY/],
  ['an unknown charge', {}, 'not_found', /404/],
])('%s is a %s failure', async (_name, change, failure, message) => {
  await expect(enrichAsaasCharge({ ...api, ...change }, 'pay_x')).rejects.toMatchObject({
    failure,
    message,
  });
});

test.each([
  ['a 5xx', { kind: 'answer', httpStatus: 502, body: 'bad gateway' } as const, 'http_error'],
  ['no answer within the timeout', { kind: 'delay', ms: 5_000 } as const, 'timeout'],
  ['a dropped connection', { kind: 'drop' } as const, 'unreachable'],
])(
  '%s on the customer lookup fails the enrichment; the next one succeeds',
  async (_n, fault, failure) => {
    knownCharge('pay_4');
    await enrichAsaasCharge(api, 'pay_4');
    emulator.reset();
    knownCharge('pay_4');
    // The charge answers; the customer lookup meets the fault.
    emulator.failNext({ kind: 'delay', ms: 0 });
    emulator.failNext(fault);
    await expect(enrichAsaasCharge(api, 'pay_4')).rejects.toMatchObject({ failure });
    await expect(enrichAsaasCharge(api, 'pay_4')).resolves.toMatchObject({
      customer: { phone: '21987654321' },
    });
  },
);

test('the status source re-reads the charge', async () => {
  knownCharge('pay_5', { status: 'CONFIRMED' });
  await expect(createAsaasStatusSource(api).currentStatus('pay_5')).resolves.toEqual({
    status: 'paid',
    rawStatus: 'CONFIRMED',
  });
});

test('the emulator binds to loopback only', async () => {
  await expect(startAsaasEmulator({ host: '0.0.0.0' })).rejects.toThrow(/loopback only/);
});
