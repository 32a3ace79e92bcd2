import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AuthVerdict } from '../gateway';

/** Stripe's SDKs accept a signature up to five minutes from now, either way. */
export const STRIPE_TOLERANCE_SECONDS = 300;

/** `v1`: lowercase hex HMAC-SHA256 of `<t>.<raw body>`, keyed with the endpoint's secret. */
function v1Signature(secret: string, timestamp: string, rawBody: Buffer): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
}

/** The `Stripe-Signature` header Stripe would send for this body at this time. */
export function stripeSignatureHeader(rawBody: Buffer | string, secret: string, at: Date): string {
  const t = String(Math.floor(at.getTime() / 1000));
  return `t=${t},v1=${v1Signature(secret, t, Buffer.from(rawBody)).toString('hex')}`;
}

/** `t=…,v1=…,v1=…,v0=…` split on commas, each part on its first `=`. */
function parseHeader(header: string): { timestamps: string[]; v1: string[] } {
  const parts = header.split(',').map((part) => {
    const at = part.indexOf('=');
    return at < 0 ? ['', ''] : [part.slice(0, at).trim(), part.slice(at + 1).trim()];
  });
  const values = (key: string) => parts.filter(([k]) => k === key).map(([, v]) => v);
  return { timestamps: values('t'), v1: values('v1') };
}

/**
 * Stripe's documented check: the timestamp within the tolerance, and any `v1` equal
 * (in constant time) to the signature under any configured secret: during a rotation
 * Stripe signs with both, and either secret may be the one still configured.
 */
export function verifyStripeSignature(
  header: string,
  rawBody: Buffer,
  secrets: readonly string[],
  now: Date,
  toleranceSeconds = STRIPE_TOLERANCE_SECONDS,
): AuthVerdict {
  if (!header) return refuse('missing Stripe-Signature header');
  const { timestamps, v1 } = parseHeader(header);
  if (timestamps.length !== 1 || !/^\d{1,12}$/.test(timestamps[0]))
    return refuse('Stripe-Signature has no single timestamp t=');
  const candidates = v1.filter((value) => /^[0-9a-f]{64}$/.test(value));
  if (candidates.length === 0) return refuse('Stripe-Signature has no v1 signature');
  const [t] = timestamps;
  if (Math.abs(now.getTime() / 1000 - Number(t)) > toleranceSeconds)
    return refuse(`Stripe-Signature timestamp is more than ${toleranceSeconds} s from now`);
  const signed = candidates.map((value) => Buffer.from(value, 'hex'));
  const matches = secrets.some((secret) => {
    const expected = v1Signature(secret, t, rawBody);
    return signed.some((candidate) => timingSafeEqual(candidate, expected));
  });
  return matches ? { ok: true } : refuse('no Stripe-Signature v1 matches STRIPE_WEBHOOK_SECRET');
}

function refuse(reason: string): AuthVerdict {
  return { ok: false, reason };
}
