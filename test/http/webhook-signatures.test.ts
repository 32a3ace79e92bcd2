/**
 * The signing gateways' checks at the HTTP edge: each verifies the bytes exactly as they
 * arrived, with its own setting, and a refusal stores nothing.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startPagarmeEmulator, type PagarmeEmulator } from '../../src/gateways/pagarme/emulator';
import { PAGARME_FIXTURE_ACCOUNT, pagarmeChargeEvent } from '../../src/gateways/pagarme/fixtures';
import { stripeCheckoutSessionEvent } from '../../src/gateways/stripe/fixtures';
import { stripeSignatureHeader } from '../../src/gateways/stripe/signature';
import { GATEWAY_MODULES } from '../../src/gateways';
import { pgTestDb, type TestDb } from '../helpers/db';
import { intakeApp, serve, type TestServer } from '../helpers/http';
import { createTimeSkippingEnv } from '../helpers/temporal';
import { newPaymentId } from './webhook-payloads';

const STRIPE_SECRET = 'whsec_current_0123456789abcdef';
const STRIPE_OLD_SECRET = 'whsec_previous_0123456789abcdef';
const SHARED_SECRET = 'shared-webhook-secret';

let env: TestWorkflowEnvironment;
let testDb: TestDb;
let signed: TestServer;
let unconfigured: TestServer;
let authOff: TestServer;
/** A seller on Stripe alone: STRIPE_WEBHOOK_SECRET and no other secret, not even WEBHOOK_SECRET. */
let stripeOnly: TestServer;
let pagarme: PagarmeEmulator;

beforeAll(async () => {
  [env, testDb, pagarme] = await Promise.all([
    createTimeSkippingEnv(),
    pgTestDb(),
    startPagarmeEmulator(),
  ]);
  const deps = { db: testDb.db, temporal: env.client };
  [signed, unconfigured, authOff, stripeOnly] = await Promise.all([
    serve(
      intakeApp({
        ...deps,
        webhookSecret: SHARED_SECRET,
        gateways: {
          stripe: { webhookSecrets: [STRIPE_SECRET, STRIPE_OLD_SECRET] },
          pagarme: { jwksUrl: pagarme.jwksUrl, accountIds: [PAGARME_FIXTURE_ACCOUNT] },
        },
      }),
    ),
    serve(intakeApp({ ...deps, webhookSecret: SHARED_SECRET })),
    serve(intakeApp(deps)),
    serve(intakeApp({ ...deps, gateways: { stripe: { webhookSecrets: [STRIPE_SECRET] } } })),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([
    signed?.close(),
    unconfigured?.close(),
    authOff?.close(),
    stripeOnly?.close(),
  ]);
  await Promise.all([env?.teardown(), testDb?.drop(), pagarme?.close()]);
});

function rowsFor(paymentId: string, gateway = 'stripe') {
  return testDb.db('webhook_events').where({ gateway, payment_id: paymentId });
}

/** A waiting Checkout Session event as Stripe sends it: bytes, and their signature. */
function stripeWaiting(secret = STRIPE_SECRET, at = new Date()) {
  const id = newPaymentId('cs');
  // Pretty-printed on purpose: the signature covers these bytes, not a re-serialisation.
  const raw = Buffer.from(JSON.stringify(stripeCheckoutSessionEvent(id), null, 2));
  return { paymentId: `pi_${id}`, raw, signature: stripeSignatureHeader(raw, secret, at) };
}

describe('a Stripe webhook', () => {
  test('signed with the configured secret over its exact bytes is recorded', async () => {
    const { paymentId, raw, signature } = stripeWaiting();

    const reply = await signed.post('/api/webhooks/stripe/', raw, {
      headers: { 'Stripe-Signature': signature },
    });

    expect(reply.status).toBe(202);
    expect(reply.json.outcome).toBe('scheduled');
    expect(await rowsFor(paymentId)).toHaveLength(1);
  });

  test('signed with the secret being rotated out is recorded too', async () => {
    const { paymentId, raw, signature } = stripeWaiting(STRIPE_OLD_SECRET);

    const reply = await signed.post('/api/webhooks/stripe', raw, {
      headers: { 'Stripe-Signature': signature },
    });

    expect(reply.status).toBe(202);
    expect(await rowsFor(paymentId)).toHaveLength(1);
  });

  test.each<[string, (d: ReturnType<typeof stripeWaiting>) => [Buffer, string | undefined]]>([
    [
      'a wrong secret',
      ({ raw }) => [raw, stripeSignatureHeader(raw, 'whsec_not_ours_0123456789', new Date())],
    ],
    [
      'a stale timestamp',
      ({ raw }) => [
        raw,
        stripeSignatureHeader(raw, STRIPE_SECRET, new Date(Date.now() - 10 * 60_000)),
      ],
    ],
    [
      'an altered body',
      ({ raw, signature }) => [Buffer.from(raw.toString().replace('4990', '1')), signature],
    ],
    ['no Stripe-Signature, only the shared X-Webhook-Token', ({ raw }) => [raw, undefined]],
  ])('with %s is refused (401) and nothing is stored', async (_what, make) => {
    const webhook = stripeWaiting();
    const [raw, signature] = make(webhook);
    const headers: Record<string, string> = { 'X-Webhook-Token': SHARED_SECRET };
    if (signature) headers['Stripe-Signature'] = signature;

    const reply = await signed.post('/api/webhooks/stripe/', raw, { headers });

    expect(reply.status).toBe(401);
    expect(await rowsFor(webhook.paymentId)).toHaveLength(0);
  });

  test('while STRIPE_WEBHOOK_SECRET is unset is refused, naming the setting, even when signed', async () => {
    const { paymentId, raw, signature } = stripeWaiting();

    const reply = await unconfigured.post('/api/webhooks/stripe/', raw, {
      headers: { 'Stripe-Signature': signature, 'X-Webhook-Token': SHARED_SECRET },
    });

    expect(reply.status).toBe(401);
    expect(reply.json.error.message).toMatch(
      /Stripe webhooks are disabled: set STRIPE_WEBHOOK_SECRET/,
    );
    expect(await rowsFor(paymentId)).toHaveLength(0);
  });

  test('with WEBHOOK_AUTH=off is recorded unsigned', async () => {
    const { paymentId, raw } = stripeWaiting();

    const reply = await authOff.post('/api/webhooks/stripe/', raw);

    expect(reply.status).toBe(202);
    expect(await rowsFor(paymentId)).toHaveLength(1);
  });
});

describe('a Pagar.me webhook', () => {
  /** A pending PIX charge event as Pagar.me sends it: bytes, and their signature. */
  function pagarmeWaiting() {
    const orderId = newPaymentId('or');
    const raw = Buffer.from(JSON.stringify(pagarmeChargeEvent(orderId), null, 2));
    return { orderId, raw, signature: pagarme.signatureHeader(raw) };
  }

  test('signed with a key its JWKS publishes, over its exact bytes, is recorded', async () => {
    const { orderId, raw, signature } = pagarmeWaiting();

    const reply = await signed.post('/api/webhooks/pagarme/', raw, {
      headers: { 'X-Webhook-Asymmetric-Signature': signature },
    });

    expect(reply.status).toBe(202);
    expect(reply.json.outcome).toBe('scheduled');
    expect(await rowsFor(orderId, 'pagarme')).toHaveLength(1);
  });

  test.each<[string, (d: ReturnType<typeof pagarmeWaiting>) => [Buffer, string | undefined]]>([
    ['no signature', ({ raw }) => [raw, undefined]],
    [
      'an altered body',
      ({ raw, signature }) => [Buffer.from(raw.toString().replace('4990', '1')), signature],
    ],
    [
      'an unknown key id',
      ({ raw, signature }) => [raw, signature.replace(/kid=[^;]+/, 'kid=not-pagarmes')],
    ],
    [
      // Pagar.me's keys sign every account's webhooks: another customer of Pagar.me
      // pointing theirs at this URL must not make us text their numbers.
      "Pagar.me's valid signature over another account's webhook",
      ({ raw }) => {
        const foreign = Buffer.from(
          raw.toString().replace(PAGARME_FIXTURE_ACCOUNT, 'acc_someone_else'),
        );
        return [foreign, pagarme.signatureHeader(foreign)];
      },
    ],
  ])('with %s is refused (401) and nothing is stored', async (_what, make) => {
    const webhook = pagarmeWaiting();
    const [raw, signature] = make(webhook);
    const headers: Record<string, string> = { 'X-Webhook-Token': SHARED_SECRET };
    if (signature) headers['X-Webhook-Asymmetric-Signature'] = signature;

    const reply = await signed.post('/api/webhooks/pagarme/', raw, { headers });

    expect(reply.status).toBe(401);
    expect(await rowsFor(webhook.orderId, 'pagarme')).toHaveLength(0);
  });

  test('when its keys cannot be fetched is answered 503 (Pagar.me resends it), nothing stored', async () => {
    // A new app: its key cache is empty, so this webhook needs the JWKS.
    const fresh = await serve(
      intakeApp({
        db: testDb.db,
        temporal: env.client,
        webhookSecret: SHARED_SECRET,
        gateways: { pagarme: { jwksUrl: pagarme.jwksUrl, accountIds: [PAGARME_FIXTURE_ACCOUNT] } },
      }),
    );
    pagarme.failNext({ kind: 'answer', httpStatus: 502 });
    const { orderId, raw, signature } = pagarmeWaiting();
    try {
      const reply = await fresh.post('/api/webhooks/pagarme/', raw, {
        headers: { 'X-Webhook-Asymmetric-Signature': signature },
      });

      expect(reply.status).toBe(503);
      expect(reply.headers.get('retry-after')).toBe('30');
      expect(await rowsFor(orderId, 'pagarme')).toHaveLength(0);
    } finally {
      await fresh.close();
    }
  });
});

test('a flood of Pagar.me webhooks while its keys are out of reach gets 503s from one fetch', async () => {
  const fresh = await serve(
    intakeApp({
      db: testDb.db,
      temporal: env.client,
      gateways: { pagarme: { jwksUrl: pagarme.jwksUrl, accountIds: [PAGARME_FIXTURE_ACCOUNT] } },
    }),
  );
  pagarme.failNext({ kind: 'answer', httpStatus: 500 });
  const before = pagarme.jwksRequests();
  const webhooks = Array.from({ length: 15 }, () => {
    const orderId = newPaymentId('or');
    const raw = Buffer.from(JSON.stringify(pagarmeChargeEvent(orderId)));
    return { orderId, raw, signature: pagarme.signatureHeader(raw) };
  });
  try {
    const replies = await Promise.all(
      webhooks.map(({ raw, signature }) =>
        fresh.post('/api/webhooks/pagarme/', raw, {
          headers: { 'X-Webhook-Asymmetric-Signature': signature },
        }),
      ),
    );
    // One more, right after: answered from the remembered failure, not by fetching again.
    const late = webhooks[0];
    replies.push(
      await fresh.post('/api/webhooks/pagarme/', late.raw, {
        headers: { 'X-Webhook-Asymmetric-Signature': late.signature },
      }),
    );

    expect(replies.map((r) => r.status)).toEqual(Array(16).fill(503));
    expect(replies.every((r) => r.headers.get('retry-after') === '30')).toBe(true);
    expect(pagarme.jwksRequests() - before).toBe(1);
    for (const { orderId } of webhooks) expect(await rowsFor(orderId, 'pagarme')).toHaveLength(0);
  } finally {
    await fresh.close();
  }
});

test("a shared-token gateway is not opened by another gateway's secret", async () => {
  const reply = await signed.post(
    '/api/webhooks/ghostpay/',
    { paymentId: 'gp-x', status: 'PENDING' },
    {
      headers: { 'Stripe-Signature': 't=1,v1=00' },
    },
  );

  expect(reply.status).toBe(401);
  expect(reply.json.error.message).toBe('missing or wrong webhook token');
});

describe('a seller on Stripe alone (no WEBHOOK_SECRET, no other secret)', () => {
  test('gets its signed Stripe webhooks recorded', async () => {
    const { paymentId, raw, signature } = stripeWaiting();

    const reply = await stripeOnly.post('/api/webhooks/stripe/', raw, {
      headers: { 'Stripe-Signature': signature },
    });

    expect(reply.status).toBe(202);
    expect(await rowsFor(paymentId)).toHaveLength(1);
  });

  const others = Object.values(GATEWAY_MODULES).filter(({ name }) => name !== 'stripe');
  test.each(others.map((m) => [m.name, m] as const))(
    'has every %s webhook refused (401), naming the missing setting, nothing stored',
    async (gateway, { adapter, auth, simulation }) => {
      const body = simulation.body({
        id: newPaymentId('unconfigured'),
        status: simulation.usual.waiting!,
        method: simulation.method('pix'),
        amountCentavos: 4990,
        phone: '+55 11 98765-4321',
        at: new Date(),
      });
      const before = await testDb.db('webhook_events').where({ gateway }).count({ n: '*' });

      // Whatever a caller presents: the shared token's header, a Stripe signature.
      const reply = await stripeOnly.post(`/api/webhooks/${gateway}/`, body, {
        headers: { 'X-Webhook-Token': SHARED_SECRET, 'Stripe-Signature': 't=1,v1=00' },
      });

      expect(reply.status).toBe(401);
      expect(reply.json.error.message).toContain(
        `${adapter.displayName} webhooks are disabled: set ${auth.setting}`,
      );
      expect(await testDb.db('webhook_events').where({ gateway }).count({ n: '*' })).toEqual(
        before,
      );
    },
  );
});
