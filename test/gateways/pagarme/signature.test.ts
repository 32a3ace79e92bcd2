import { generateKeyPairSync, sign } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { pagarmeAuth } from '../../../src/gateways/pagarme/auth';
import {
  createJwksCache,
  JWKS_CACHE_MS,
  JWKS_FAILURE_BACKOFF_MS,
  JWKS_STALE_MAX_MS,
  JwksUnavailableError,
} from '../../../src/gateways/pagarme/jwks';
import { startPagarmeEmulator, type PagarmeEmulator } from '../../../src/gateways/pagarme/emulator';
import { NO_GATEWAY_SETTINGS } from '../../../src/gateways/settings';
import { createMetrics } from '../../../src/metrics/metrics';
import { sampleValue } from '../../metrics/prometheus-text';
import type { WebhookRequest, WebhookVerifier } from '../../../src/gateways/gateway';

const ACCOUNT = 'acc_jZkdN857et650oNv';
const BODY = Buffer.from(
  `{"id":"hook_1","account":{"id":"${ACCOUNT}","name":"Lojinha"},"type":"charge.paid","data":{}}`,
);

let emulator: PagarmeEmulator;

beforeAll(async () => {
  emulator = await startPagarmeEmulator();
});
afterAll(() => emulator?.close());

function verifier(jwksUrl = emulator.jwksUrl): WebhookVerifier {
  const made = pagarmeAuth.verifier({
    ...NO_GATEWAY_SETTINGS,
    pagarme: { jwksUrl, accountIds: ['acc_another_one', ACCOUNT] },
  });
  if ('disabled' in made) throw new Error(made.disabled);
  return made;
}

/** A logger whose lines are kept, parsed, in `lines`. */
function capturingLogger() {
  const lines: { level: number; msg: string; err?: string }[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as (typeof lines)[number]);
        done();
      },
    }),
  );
  return { logger, lines };
}

function request(header: string, rawBody = BODY): WebhookRequest {
  return {
    rawBody,
    header: (name) => (name.toLowerCase() === 'x-webhook-asymmetric-signature' ? header : ''),
    query: () => undefined,
    receivedAt: new Date(),
  };
}

describe('X-Webhook-Asymmetric-Signature', () => {
  test('signed by the key the JWKS publishes under its kid is accepted', async () => {
    await expect(verifier().verify(request(emulator.signatureHeader(BODY)))).resolves.toEqual({
      ok: true,
    });
  });

  test.each<[string, () => string, RegExp]>([
    ['no header', () => '', /missing X-Webhook-Asymmetric-Signature/],
    [
      'an algorithm other than RS256',
      () => emulator.signatureHeader(BODY).replace('alg=RS256', 'alg=HS256'),
      /alg=RS256/,
    ],
    [
      'a kid the JWKS does not publish',
      () => emulator.signatureHeader(BODY).replace(/kid=[^;]+/, 'kid=someone-elses'),
      /kid is not one of Pagar.me's keys/,
    ],
    [
      'a body altered after signing',
      () => emulator.signatureHeader(Buffer.from(`${BODY.toString()} `)),
      /does not verify/,
    ],
    [
      'a signature by another key under the published kid',
      () => {
        const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
        const forged = sign('sha256', BODY, privateKey).toString('base64url');
        return `alg=RS256; kid=${emulator.kid}; signature=${forged}`;
      },
      /does not verify/,
    ],
    ['no signature', () => `alg=RS256; kid=${emulator.kid}`, /needs a kid and a base64url/],
  ])('with %s is refused with its reason', async (_what, header, reason) => {
    const verdict = await verifier().verify(request(header()));

    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.reason).toMatch(reason);
  });
});

describe("Pagar.me's keys", () => {
  test('are fetched once and cached for every webhook after', async () => {
    const check = verifier();
    const before = emulator.jwksRequests();

    for (let i = 0; i < 5; i += 1)
      await expect(check.verify(request(emulator.signatureHeader(BODY)))).resolves.toEqual({
        ok: true,
      });

    expect(emulator.jwksRequests() - before).toBe(1);
  });

  test('an unknown kid is looked for again, at most once a minute, so a rotation is picked up', async () => {
    const check = verifier();
    await check.verify(request(emulator.signatureHeader(BODY)));
    const before = emulator.jwksRequests();
    // Within the minute, a forged kid costs no fetch.
    const forged = emulator.signatureHeader(BODY).replace(/kid=[^;]+/, 'kid=forged');
    await expect(check.verify(request(forged))).resolves.toMatchObject({ ok: false });
    expect(emulator.jwksRequests()).toBe(before);

    // A fresh verifier (a minute later, as far as its cache is concerned) sees the new key.
    emulator.rotateKey();
    await expect(verifier().verify(request(emulator.signatureHeader(BODY)))).resolves.toEqual({
      ok: true,
    });
  });

  test('out of reach make the webhook unverifiable now (503), not forged (401)', async () => {
    emulator.failNext({ kind: 'answer', httpStatus: 500 });

    const verdict = await verifier().verify(request(emulator.signatureHeader(BODY)));

    expect(verdict).toEqual({
      ok: false,
      reason: "Pagar.me's keys answered HTTP 500",
      unavailable: true,
    });
  });

  test('out of reach while many webhooks arrive cost one fetch, then none for a few seconds', async () => {
    let clock = 1_000_000;
    const cache = createJwksCache(emulator.jwksUrl, { now: () => clock });
    emulator.failNext({ kind: 'answer', httpStatus: 503 }, 2);
    const before = emulator.jwksRequests();

    // Twenty webhooks at once share the one fetch, and all learn it failed.
    const answers = await Promise.allSettled(
      Array.from({ length: 20 }, () => cache.key(emulator.kid)),
    );
    expect(answers.every((a) => a.status === 'rejected')).toBe(true);
    expect(emulator.jwksRequests() - before).toBe(1);

    // Just short of the back-off, the next ones fail at once from the remembered failure.
    clock += JWKS_FAILURE_BACKOFF_MS - 1;
    await expect(cache.key(emulator.kid)).rejects.toThrow(JwksUnavailableError);
    expect(emulator.jwksRequests() - before).toBe(1);

    // After it, one fetch again: still failing (the second queued fault), remembered anew.
    clock += 1;
    await expect(cache.key(emulator.kid)).rejects.toThrow("Pagar.me's keys answered HTTP 503");
    expect(emulator.jwksRequests() - before).toBe(2);

    // The keys are back: the fetch after the next back-off finds them, and they are kept.
    clock += JWKS_FAILURE_BACKOFF_MS;
    await expect(cache.key(emulator.kid)).resolves.not.toBeNull();
    await expect(cache.key(emulator.kid)).resolves.not.toBeNull();
    expect(emulator.jwksRequests() - before).toBe(3);
  });

  test('whose hourly refresh fails keep verifying with the keys held, warn, and are fetched again after the back-off', async () => {
    let clock = 2_000_000;
    const { logger, lines } = capturingLogger();
    const cache = createJwksCache(emulator.jwksUrl, { now: () => clock, logger });
    const held = await cache.key(emulator.kid);
    expect(held).not.toBeNull();
    const before = emulator.jwksRequests();

    // The hour is up and the URL fails: the key held still answers, with one warning.
    clock += JWKS_CACHE_MS + 1;
    emulator.failNext({ kind: 'answer', httpStatus: 502 }, 2);
    await expect(cache.key(emulator.kid)).resolves.toBe(held);
    expect(emulator.jwksRequests() - before).toBe(1);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        err: "Pagar.me's keys answered HTTP 502",
        msg: expect.stringContaining('verified with the keys fetched before') as string,
      }),
    ]);

    // A kid the held keys lack can't be checked now: retryable, not forged.
    await expect(cache.key('not-held')).rejects.toThrow(JwksUnavailableError);

    // Within the back-off, the held key answers with no fetch and no new warning.
    clock += JWKS_FAILURE_BACKOFF_MS - 1;
    await expect(cache.key(emulator.kid)).resolves.toBe(held);
    expect(emulator.jwksRequests() - before).toBe(1);
    expect(lines).toHaveLength(1);

    // After it, the refresh is tried again (failing once more, warned once more)...
    clock += 1;
    await expect(cache.key(emulator.kid)).resolves.toBe(held);
    expect(emulator.jwksRequests() - before).toBe(2);
    expect(lines).toHaveLength(2);

    // ...and once the URL is back, a key rotated in meanwhile is found and nothing is warned.
    emulator.rotateKey();
    clock += JWKS_FAILURE_BACKOFF_MS;
    await expect(cache.key(emulator.kid)).resolves.not.toBeNull();
    expect(emulator.jwksRequests() - before).toBe(3);
    expect(lines).toHaveLength(2);
  });

  test('held through failing refreshes stop verifying a day after the last fetch that worked', async () => {
    let clock = 3_000_000;
    const cache = createJwksCache(emulator.jwksUrl, { now: () => clock });
    const held = await cache.key(emulator.kid);
    expect(held).not.toBeNull();

    // Failing all day long, the held key still answers up to the limit...
    emulator.failNext({ kind: 'answer', httpStatus: 502 }, 2);
    clock += JWKS_STALE_MAX_MS;
    await expect(cache.key(emulator.kid)).resolves.toBe(held);

    // ...and past it, a withdrawn key can't be told from a valid one: unverifiable now (503).
    clock += JWKS_FAILURE_BACKOFF_MS + 1;
    await expect(cache.key(emulator.kid)).rejects.toThrow("Pagar.me's keys answered HTTP 502");

    // Once the URL answers again, the fetched keys verify.
    clock += JWKS_FAILURE_BACKOFF_MS;
    await expect(cache.key(emulator.kid)).resolves.not.toBeNull();
  });

  test('report each fetch by outcome, and an age that grows through failed refreshes until one works', async () => {
    let clock = 4_000_000;
    const { registry, gatewayKeys } = createMetrics();
    const cache = createJwksCache(emulator.jwksUrl, { now: () => clock, instruments: gatewayKeys });
    const read = async () => {
      const text = await registry.metrics();
      const refreshes = (outcome: string) =>
        sampleValue(text, 'pix_recovery_gateway_key_refreshes_total', {
          gateway: 'pagarme',
          outcome,
        });
      return {
        fetched: refreshes('fetched'),
        failed: refreshes('failed'),
        age: sampleValue(text, 'pix_recovery_gateway_keys_age_seconds', { gateway: 'pagarme' }),
      };
    };

    // Before any webhook: both outcomes at zero, so the first failure is an increase; no age.
    await expect(read()).resolves.toEqual({ fetched: 0, failed: 0, age: undefined });

    await cache.key(emulator.kid);
    clock += 30_000;
    await expect(read()).resolves.toEqual({ fetched: 1, failed: 0, age: 30 });

    // The hourly refresh fails: counted, and the held keys' age goes on from their fetch.
    emulator.failNext({ kind: 'answer', httpStatus: 502 }, 2);
    clock += JWKS_CACHE_MS;
    await cache.key(emulator.kid);
    await expect(read()).resolves.toEqual({ fetched: 1, failed: 1, age: 3_630 });

    // Within the back-off nothing is fetched, so nothing is counted.
    clock += JWKS_FAILURE_BACKOFF_MS - 1;
    await cache.key(emulator.kid);
    expect((await read()).failed).toBe(1);

    // Twenty hours on, still failing: the age says how close the 24-hour limit is.
    clock += 20 * JWKS_CACHE_MS;
    await cache.key(emulator.kid);
    const late = await read();
    expect(late).toMatchObject({ fetched: 1, failed: 2 });
    expect(late.age! * 1000).toBe(30_000 + 21 * JWKS_CACHE_MS + JWKS_FAILURE_BACKOFF_MS - 1);
    expect(late.age! * 1000).toBeLessThan(JWKS_STALE_MAX_MS);

    // The URL is back: one fetch that worked, and the age starts again from it.
    clock += JWKS_FAILURE_BACKOFF_MS;
    await cache.key(emulator.kid);
    clock += 1_000;
    await expect(read()).resolves.toEqual({ fetched: 2, failed: 2, age: 1 });
  });

  test('at an address nothing listens on make it unverifiable now too', async () => {
    const verdict = await verifier('http://127.0.0.1:9/.well-known/jwks.json').verify(
      request(emulator.signatureHeader(BODY)),
    );

    expect(verdict).toMatchObject({ ok: false, unavailable: true });
  });
});

describe("the webhook's account", () => {
  // Pagar.me's keys sign every account's webhooks: the signature alone says only "Pagar.me".
  test.each<[string, Buffer<ArrayBuffer>]>([
    [
      "another seller's account",
      Buffer.from(
        '{"id":"hook_2","account":{"id":"acc_attacker","name":"X"},"type":"charge.paid"}',
      ),
    ],
    ['no account', Buffer.from('{"id":"hook_3","type":"charge.paid","data":{}}')],
    ['an account id that is not a string', Buffer.from('{"account":{"id":["' + ACCOUNT + '"]}}')],
    ['an account that is not an object', Buffer.from(`{"account":"${ACCOUNT}"}`)],
    ['a body that is not JSON', Buffer.from(`account.id=${ACCOUNT}`)],
  ])('%s is refused even when Pagar.me signed it', async (_, body) => {
    await expect(verifier().verify(request(emulator.signatureHeader(body), body))).resolves.toEqual(
      { ok: false, reason: 'the webhook is not from a Pagar.me account in PAGARME_ACCOUNT_ID' },
    );
  });
});

test('without PAGARME_ACCOUNT_ID the gateway is disabled, naming the setting, whatever the keys URL', () => {
  expect(pagarmeAuth.verifier(NO_GATEWAY_SETTINGS)).toEqual({
    disabled: 'set PAGARME_ACCOUNT_ID',
  });
  expect(
    pagarmeAuth.verifier({
      ...NO_GATEWAY_SETTINGS,
      pagarme: { jwksUrl: 'https://hubapi.pagar.me/.well-known/jwks.json' },
    }),
  ).toEqual({ disabled: 'set PAGARME_ACCOUNT_ID' });
});
