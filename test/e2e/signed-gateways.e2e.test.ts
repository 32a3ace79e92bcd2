/**
 * Stripe and Pagar.me end to end: each signs its webhooks its own way, and a signed
 * waiting PIX becomes one SMS after the delay, or none when it is paid first. Real
 * `temporal server start-dev`, PostgreSQL, API, worker process and Twilio emulator; a
 * loopback Pagar.me key server.
 */
import { startPagarmeEmulator, type PagarmeEmulator } from '../../src/gateways/pagarme/emulator';
import {
  PAGARME_FIXTURE_ACCOUNT,
  pagarmeChargeEvent,
  pagarmeOrderEvent,
} from '../../src/gateways/pagarme/fixtures';
import {
  stripeCheckoutSessionEvent,
  stripePaymentIntentEvent,
} from '../../src/gateways/stripe/fixtures';
import { stripeSignatureHeader } from '../../src/gateways/stripe/signature';
import { startE2eStack, type E2eStack } from '../helpers/e2e-stack';
import { newPaymentId } from '../http/webhook-payloads';

// Every fixture is created now: the delay runs from a payment's creation time.
const DELAY_MS = 3_000;
const STRIPE_SECRET = 'whsec_e2e_0123456789abcdef';
let stack: E2eStack;
let pagarme: PagarmeEmulator;
let phoneSeq = 0;

beforeAll(async () => {
  pagarme = await startPagarmeEmulator();
  stack = await startE2eStack({
    TEMPORAL_TASK_QUEUE: 'e2e-signed-gateways',
    RECOVERY_DELAY: String(DELAY_MS),
    ATTRIBUTION_WINDOW: '5s',
    STRIPE_WEBHOOK_SECRET: STRIPE_SECRET,
    PAGARME_WEBHOOK_JWKS_URL: pagarme.jwksUrl,
    PAGARME_ACCOUNT_ID: PAGARME_FIXTURE_ACCOUNT,
  });
}, 90_000);

afterAll(async () => {
  await stack?.close();
  await pagarme?.close();
});

/** A fresh mobile per test, national digits, so each test reads only its own messages. */
function newMobile(): string {
  phoneSeq += 1;
  return `219${String(76540000 + phoneSeq * 7 + (process.pid % 1000)).padStart(8, '0')}`;
}

async function post(gateway: string, body: object, sign: (raw: string) => Record<string, string>) {
  const raw = JSON.stringify(body);
  const res = await fetch(`${stack.api.url}/api/webhooks/${gateway}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...sign(raw) },
    body: raw,
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const stripeSigned = (raw: string) => ({
  'Stripe-Signature': stripeSignatureHeader(raw, STRIPE_SECRET, new Date()),
});
const pagarmeSigned = (raw: string) => ({
  'X-Webhook-Asymmetric-Signature': pagarme.signatureHeader(raw),
});

const sentTo = (mobile: string) => stack.emulator.messages().filter((m) => m.to === `+55${mobile}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Now, to the whole second: the gateways' timestamps carry no milliseconds. */
const wholeSecondNow = () => new Date(Math.floor(Date.now() / 1000) * 1000);

/** The delay runs from the payment's creation, so the SMS comes no sooner than that plus the delay. */
async function oneSmsAfterTheDelay(mobile: string, createdMs: number): Promise<void> {
  for (let i = 0; i < 150 && sentTo(mobile).length === 0; i += 1) await sleep(100);
  expect(sentTo(mobile)).toHaveLength(1);
  expect(Date.now() - createdMs).toBeGreaterThanOrEqual(DELAY_MS);
  // No second message follows.
  await sleep(1_500);
  expect(sentTo(mobile)).toHaveLength(1);
}

describe('Stripe', () => {
  test('a signed Checkout Session shown its PIX code leads to one SMS after the delay', async () => {
    const mobile = newMobile();
    const created = wholeSecondNow();
    const waiting = stripeCheckoutSessionEvent(
      newPaymentId('cs'),
      { phone: `+55${mobile}` },
      created,
    );

    const res = await post('stripe', waiting, stripeSigned);

    expect(res).toMatchObject({ status: 202, json: { outcome: 'scheduled' } });
    await oneSmsAfterTheDelay(mobile, created.getTime());
  });

  test("its PaymentIntent's payment_intent.succeeded before the delay means no SMS", async () => {
    const mobile = newMobile();
    const sessionId = newPaymentId('cs');
    const waiting = stripeCheckoutSessionEvent(sessionId, { phone: `+55${mobile}` }, new Date());
    const paid = stripePaymentIntentEvent(`pi_${sessionId}`, { status: 'succeeded' }, new Date());

    expect(await post('stripe', waiting, stripeSigned)).toMatchObject({ status: 202 });
    expect(await post('stripe', paid, stripeSigned)).toMatchObject({
      status: 202,
      json: { outcome: 'signalled' },
    });

    await sleep(DELAY_MS + 2_000);
    expect(sentTo(mobile)).toHaveLength(0);
  });
});

describe('Pagar.me', () => {
  test('a signed pending PIX charge leads to one SMS after the delay', async () => {
    const mobile = newMobile();
    const created = wholeSecondNow();
    const waiting = pagarmeChargeEvent(newPaymentId('or'), { phone: mobile }, created);

    const res = await post('pagarme', waiting, pagarmeSigned);

    expect(res).toMatchObject({ status: 202, json: { outcome: 'scheduled' } });
    await oneSmsAfterTheDelay(mobile, created.getTime());
  });

  test('order.paid before the delay, after a pending charge event, means no SMS', async () => {
    const mobile = newMobile();
    const orderId = newPaymentId('or');

    const waiting = await post(
      'pagarme',
      pagarmeChargeEvent(orderId, { phone: mobile }, new Date()),
      pagarmeSigned,
    );
    const paid = await post(
      'pagarme',
      pagarmeOrderEvent(orderId, { status: 'paid', phone: mobile }, new Date()),
      pagarmeSigned,
    );

    expect(waiting).toMatchObject({ status: 202, json: { outcome: 'scheduled' } });
    expect(paid).toMatchObject({ status: 202, json: { outcome: 'signalled' } });
    await sleep(DELAY_MS + 2_000);
    expect(sentTo(mobile)).toHaveLength(0);
  });
});
