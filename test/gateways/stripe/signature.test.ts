import { createHmac } from 'node:crypto';
import {
  stripeSignatureHeader,
  verifyStripeSignature,
} from '../../../src/gateways/stripe/signature';

const SECRET = 'whsec_test_0123456789abcdef0123456789';
const OLD_SECRET = 'whsec_old_fedcba9876543210fedcba9876';
const NOW = new Date('2026-11-29T00:30:00Z');
const T = Math.floor(NOW.getTime() / 1000);
const BODY = Buffer.from('{"id":"evt_1","type":"payment_intent.succeeded"}');

/** Stripe's documented scheme, written out here rather than taken from the code under test. */
const v1 = (secret: string, t: number, body: Buffer) =>
  createHmac('sha256', secret)
    .update(`${t}.${body.toString('utf8')}`)
    .digest('hex');

const verify = (header: string, body = BODY, secrets = [SECRET], now = NOW) =>
  verifyStripeSignature(header, body, secrets, now);

describe('Stripe-Signature', () => {
  it('made as Stripe documents it is accepted', () => {
    expect(verify(`t=${T},v1=${v1(SECRET, T, BODY)}`)).toEqual({ ok: true });
  });

  it('as the simulation and emulator sign is the same header', () => {
    expect(stripeSignatureHeader(BODY, SECRET, NOW)).toBe(`t=${T},v1=${v1(SECRET, T, BODY)}`);
  });

  it('with several v1 values is accepted when any one matches, and v0 is ignored', () => {
    const header = `t=${T},v1=${'0'.repeat(64)},v0=${v1(SECRET, T, BODY)},v1=${v1(SECRET, T, BODY)}`;

    expect(verify(header)).toEqual({ ok: true });
  });

  it('under a secret being rotated out is accepted while both are configured', () => {
    const header = `t=${T},v1=${v1(OLD_SECRET, T, BODY)}`;

    expect(verify(header, BODY, [SECRET, OLD_SECRET])).toEqual({ ok: true });
    expect(verify(header, BODY, [SECRET])).toMatchObject({ ok: false });
  });

  it.each<[string, () => ReturnType<typeof verify>, RegExp]>([
    [
      'a wrong secret',
      () => verify(`t=${T},v1=${v1('whsec_someone_else_000000', T, BODY)}`),
      /no Stripe-Signature v1 matches/,
    ],
    [
      'an altered body',
      () => verify(`t=${T},v1=${v1(SECRET, T, BODY)}`, Buffer.from(`${BODY.toString()} `)),
      /no Stripe-Signature v1 matches/,
    ],
    [
      'a timestamp over five minutes old',
      () => verify(`t=${T - 301},v1=${v1(SECRET, T - 301, BODY)}`),
      /more than 300 s from now/,
    ],
    [
      'a timestamp over five minutes ahead',
      () => verify(`t=${T + 301},v1=${v1(SECRET, T + 301, BODY)}`),
      /more than 300 s from now/,
    ],
    [
      'the timestamp changed after signing',
      () => verify(`t=${T + 1},v1=${v1(SECRET, T, BODY)}`),
      /no Stripe-Signature v1 matches/,
    ],
    ['no header', () => verify(''), /missing Stripe-Signature/],
    ['no timestamp', () => verify(`v1=${v1(SECRET, T, BODY)}`), /no single timestamp/],
    [
      'two timestamps',
      () => verify(`t=${T},t=${T},v1=${v1(SECRET, T, BODY)}`),
      /no single timestamp/,
    ],
    ['only a v0 signature', () => verify(`t=${T},v0=${v1(SECRET, T, BODY)}`), /no v1 signature/],
    ['a v1 that is not hex', () => verify(`t=${T},v1=not-a-signature`), /no v1 signature/],
  ])('with %s is refused with its reason', (_what, check, reason) => {
    const verdict = check();

    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.reason).toMatch(reason);
  });

  it('at the edge of the tolerance is still accepted', () => {
    expect(verify(`t=${T - 300},v1=${v1(SECRET, T - 300, BODY)}`)).toEqual({ ok: true });
  });

  it('never names the secret in a refusal', () => {
    const verdict = verify(`t=${T},v1=${'a'.repeat(64)}`);

    expect(JSON.stringify(verdict)).not.toContain(SECRET);
  });
});
