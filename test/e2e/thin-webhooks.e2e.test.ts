/**
 * End to end for the gateways whose webhooks are thin (Mercado Pago, Asaas): a real
 * `temporal server start-dev`, real PostgreSQL, the HTTP API, the worker as its own
 * process, the Twilio emulator, and each gateway's API emulator, which the worker's
 * enrichment activity and status check call over HTTP.
 */
import pino from 'pino';
import { loadConfig } from '../../src/config';
import { startAsaasEmulator, type AsaasEmulator } from '../../src/gateways/asaas/emulator';
import { asaasCustomer, asaasPixCharge, asaasWebhookBody } from '../../src/gateways/asaas/fixtures';
import { mercadopagoNotification } from '../../src/gateways/mercadopago/notification';
import {
  startMercadopagoEmulator,
  type MercadopagoEmulator,
} from '../../src/gateways/mercadopago/emulator';
import { mercadopagoPixPayment } from '../../src/gateways/mercadopago/fixtures';
import { startApi, type RunningApi } from '../../src/runtime/api';
import { startTwilioEmulator, type TwilioEmulator } from '../../src/twilio-emulator';
import { pgTestDb, type TestDb, untilEventOutcome } from '../helpers/db';
import { freePort } from '../helpers/ports';
import { eventually, spawnEntrypoint, stopProcess, type Spawned } from '../helpers/processes';
import { startTestDevServer, TEST_PAYLOAD_KEYS } from '../helpers/temporal';

const DELAY_MS = 3_000;
const MP_SECRET = 'e2e-mercadopago-secret-signature-0123';
const ASAAS_TOKEN = 'e2e-asaas-authentication-token-0123';
let server: Awaited<ReturnType<typeof startTestDevServer>>;
let testDb: TestDb;
let twilio: TwilioEmulator;
let mercadopago: MercadopagoEmulator;
let asaas: AsaasEmulator;
let api: RunningApi;
let worker: Spawned;
let seq = 0;

beforeAll(async () => {
  let port: number;
  [server, testDb, twilio, mercadopago, asaas, port] = await Promise.all([
    startTestDevServer(),
    pgTestDb(),
    startTwilioEmulator({ port: 0 }),
    startMercadopagoEmulator(),
    startAsaasEmulator(),
    freePort(),
  ]);
  const env = {
    DATABASE_URL: testDb.url,
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: 'e2e-thin-webhooks',
    RECOVERY_DELAY: String(DELAY_MS),
    ATTRIBUTION_WINDOW: '3s',
    QUIET_HOURS: 'off',
    TWILIO_ACCOUNT_SID: twilio.accountSid,
    TWILIO_AUTH_TOKEN: twilio.authToken,
    TWILIO_PHONE_NUMBER: '+15005550006',
    TWILIO_API_URL: twilio.url,
    PORT: String(port),
    PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
    MERCADOPAGO_WEBHOOK_SECRET: MP_SECRET,
    MERCADOPAGO_ACCESS_TOKEN: mercadopago.accessToken,
    MERCADOPAGO_API_URL: mercadopago.url,
    ASAAS_WEBHOOK_TOKEN: ASAAS_TOKEN,
    ASAAS_API_KEY: asaas.apiKey,
    ASAAS_API_URL: asaas.url,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
  };
  api = await startApi(loadConfig(env), testDb.db, pino({ level: 'silent' }));
  worker = spawnEntrypoint('worker', env);
  await worker.waitFor(/worker polling/);
}, 90_000);

afterAll(async () => {
  if (worker) await stopProcess(worker);
  await api?.close();
  await Promise.all([
    server?.stop(),
    twilio?.close(),
    mercadopago?.close(),
    asaas?.close(),
    testDb?.drop(),
  ]);
});

beforeEach(() => {
  mercadopago.reset();
  asaas.reset();
});

/** A fresh mobile per test, in the gateway's shapes: E.164 for the check, national for them. */
function newPhone() {
  seq += 1;
  const national = `219${String(76540000 + seq * 13 + (process.pid % 1000)).padStart(8, '0')}`;
  return { e164: `+55${national}`, national };
}

const sentTo = (e164: string) => twilio.messages().filter((m) => m.to === e164);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An SMS `DELAY_MS` after the first webhook, and no second one. */
async function expectOneSmsAfterDelay(e164: string, postedAt: number) {
  const [message] = await eventually(
    () => (sentTo(e164).length > 0 ? sentTo(e164) : null),
    DELAY_MS + 20_000,
    'the SMS',
  );
  expect(message.receivedAt.getTime() - postedAt).toBeGreaterThanOrEqual(DELAY_MS - 1_000);
  await sleep(1_500);
  expect(sentTo(e164)).toHaveLength(1);
  return message;
}

async function finalTransition(gateway: string, paymentId: string, transition: string) {
  return eventually(
    () =>
      testDb
        .db('recovery_events')
        .where({ gateway, payment_id: paymentId, transition })
        .first<Record<string, unknown> | undefined>(),
    DELAY_MS + 20_000,
    `${gateway} ${paymentId} ${transition}`,
  );
}

describe('Mercado Pago', () => {
  const newId = () => String(9_000_000_000 + (Date.now() % 1_000_000_000) + seq);

  async function notify(paymentId: string, action = 'payment.created', secret = MP_SECRET) {
    const webhook = mercadopagoNotification({ paymentId, secret, action });
    const res = await fetch(`${api.url}/api/webhooks/mercadopago/${webhook.query}`, {
      method: 'POST',
      headers: webhook.headers,
      body: webhook.body,
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  function payment(id: string, phone: { national: string } | null, extra = {}) {
    const payer = phone
      ? { phone: { area_code: phone.national.slice(0, 2), number: phone.national.slice(2) } }
      : { email: 'ana@example.com' };
    return mercadopagoPixPayment(id, { date_created: new Date().toISOString(), payer, ...extra });
  }

  test('a waiting PIX payment gets one SMS after the delay', async () => {
    const phone = newPhone();
    const id = newId();
    mercadopago.setPayment(id, payment(id, phone));
    const postedAt = Date.now();
    expect(await notify(id)).toMatchObject({ status: 200, json: { outcome: 'scheduled' } });
    const message = await expectOneSmsAfterDelay(phone.e164, postedAt);
    expect(message.body).toContain('R$ 49,90');
  });

  test('paid before the delay ends: no SMS', async () => {
    const phone = newPhone();
    const id = newId();
    mercadopago.setPayment(id, payment(id, phone));
    await notify(id);
    await sleep(500);
    mercadopago.setPayment(
      id,
      payment(id, phone, { status: 'approved', status_detail: 'accredited' }),
    );
    expect(await notify(id, 'payment.updated')).toMatchObject({ status: 200 });
    await finalTransition('mercadopago', id, 'cancelled');
    await sleep(DELAY_MS + 1_000);
    expect(sentTo(phone.e164)).toHaveLength(0);
  });

  test('the API failing, then recovering, still gives one SMS', async () => {
    const phone = newPhone();
    const id = newId();
    mercadopago.setPayment(id, payment(id, phone));
    mercadopago.failNext({ kind: 'answer', httpStatus: 503, body: 'unavailable' }, 2);
    const postedAt = Date.now();
    await notify(id);
    await expectOneSmsAfterDelay(phone.e164, postedAt);
    const failed = mercadopago.requests().slice(0, 2);
    expect(failed.every((r) => r.path === `/v1/payments/${id}`)).toBe(true);
  });

  test('a payment without a phone ends `ignored: no phone`, without an SMS', async () => {
    const id = newId();
    mercadopago.setPayment(id, payment(id, null));
    const { json } = await notify(id);
    await untilEventOutcome(testDb.db, json.eventId as number, 'ignored: no phone');
    const ending = await finalTransition('mercadopago', id, 'skipped');
    expect(JSON.parse(String(ending.detail))).toMatchObject({ outcome: 'ignored: no phone' });
    expect(twilio.messages().filter((m) => m.body.includes(id))).toHaveLength(0);
  });

  test('a notification signed with another secret is refused and not stored', async () => {
    const id = newId();
    const answer = await notify(id, 'payment.created', 'another-applications-secret-0123');
    expect(answer.status).toBe(401);
    expect(await testDb.db('webhook_events').where({ payment_id: id }).first()).toBeUndefined();
  });
});

describe('Asaas', () => {
  const newId = () => `pay_e2e${Date.now()}${seq}`;

  async function post(event: string, charge: Record<string, unknown>, token = ASAAS_TOKEN) {
    const res = await fetch(`${api.url}/api/webhooks/asaas/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'asaas-access-token': token },
      body: JSON.stringify(asaasWebhookBody(event, charge)),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  function arrange(id: string, phone: { national: string } | null) {
    const charge = { ...asaasPixCharge(id), id };
    asaas.setCharge(charge);
    asaas.setCustomer({
      ...asaasCustomer(`cus_${id}`, { mobilePhone: phone?.national ?? null, phone: null }),
      id: `cus_${id}`,
    });
    return charge;
  }

  test('a waiting PIX charge gets one SMS after the delay, with its PIX code', async () => {
    const phone = newPhone();
    const id = newId();
    const charge = arrange(id, phone);
    const postedAt = Date.now();
    expect(await post('PAYMENT_CREATED', charge)).toMatchObject({
      status: 200,
      json: { outcome: 'scheduled' },
    });
    const message = await expectOneSmsAfterDelay(phone.e164, postedAt);
    expect(message.body).toContain('000201');
  });

  test('received before the delay ends: no SMS', async () => {
    const phone = newPhone();
    const id = newId();
    const charge = arrange(id, phone);
    await post('PAYMENT_CREATED', charge);
    await sleep(500);
    asaas.setCharge({ ...charge, status: 'RECEIVED' });
    expect(await post('PAYMENT_RECEIVED', { ...charge, status: 'RECEIVED' })).toMatchObject({
      status: 200,
      json: { outcome: 'signalled' },
    });
    await finalTransition('asaas', id, 'cancelled');
    await sleep(DELAY_MS + 1_000);
    expect(sentTo(phone.e164)).toHaveLength(0);
  });

  test('the customer lookup failing (HTTP 500), then answering, still gives one SMS', async () => {
    const phone = newPhone();
    const id = newId();
    const charge = arrange(id, phone);
    // The charge read answers; the customer lookup after it meets the faults, twice.
    asaas.failNext({ kind: 'delay', ms: 0 });
    asaas.failNext({ kind: 'answer', httpStatus: 500, body: '{"errors":[]}' });
    const postedAt = Date.now();
    await post('PAYMENT_CREATED', charge);
    await expectOneSmsAfterDelay(phone.e164, postedAt);
  });

  test('a customer without a phone ends `ignored: no phone`, without an SMS', async () => {
    const id = newId();
    const charge = arrange(id, null);
    const { json } = await post('PAYMENT_CREATED', charge);
    await untilEventOutcome(testDb.db, json.eventId as number, 'ignored: no phone');
    await finalTransition('asaas', id, 'skipped');
  });

  test('a wrong asaas-access-token is refused and not stored', async () => {
    const id = newId();
    const answer = await post('PAYMENT_CREATED', arrange(id, newPhone()), 'wrong-token-0123456789');
    expect(answer.status).toBe(401);
    expect(await testDb.db('webhook_events').where({ payment_id: id }).first()).toBeUndefined();
  });
});
