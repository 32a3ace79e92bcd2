import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Mercado Pago documents no tolerance for `ts` (docs/gateways.md). Each notification carries its
 * own `x-request-id` and signature, so a `ts` this far from our clock is a replay, or a
 * clock wrong enough to be worth a 401 that names it.
 */
export const MERCADOPAGO_TS_TOLERANCE_MS = 10 * 60_000;

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

export interface SignedNotification {
  /** `x-signature`: `ts=<ts>,v1=<hex>`. */
  signature: string | undefined;
  /** `x-request-id`. */
  requestId: string | undefined;
  /** `data.id` from the query string: the value Mercado Pago signs. */
  dataId: string | undefined;
}

/**
 * The documented manifest, `id:<data.id>;request-id:<x-request-id>;ts:<ts>;`, with the
 * segment of any absent value left out. Alphanumeric ids are lower-cased (the Orders API's
 * rule; payment ids are digits, so it changes nothing for them).
 */
export function manifest(dataId: string | undefined, requestId: string | undefined, ts: string) {
  const id = dataId === undefined ? '' : `id:${dataId.toLowerCase()};`;
  const request = requestId === undefined ? '' : `request-id:${requestId};`;
  return `${id}${request}ts:${ts};`;
}

export function signManifest(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('hex');
}

/** `x-signature` for a notification, as Mercado Pago computes it. */
export function signNotification(
  secret: string,
  n: { dataId: string; requestId: string; ts: string },
): string {
  return `ts=${n.ts},v1=${signManifest(secret, manifest(n.dataId, n.requestId, n.ts))}`;
}

/**
 * Checks `x-signature` against the secret. The signature covers the query's `data.id`,
 * not the body, so a notification without one names no payment we could trust: refused.
 */
export function verifyNotification(
  secret: string,
  n: SignedNotification,
  nowMs: number,
): SignatureCheck {
  if (!n.signature) return { ok: false, reason: 'missing x-signature header' };
  if (!n.dataId) return { ok: false, reason: 'missing data.id in the query string' };
  const parts = signatureParts(n.signature);
  if (!parts.ts || !parts.v1) return { ok: false, reason: 'x-signature lacks ts or v1' };
  const tsMs = timestampMs(parts.ts);
  if (tsMs === null) return { ok: false, reason: 'x-signature ts is not a timestamp' };
  if (Math.abs(nowMs - tsMs) > MERCADOPAGO_TS_TOLERANCE_MS)
    return { ok: false, reason: 'x-signature ts is outside the tolerance (stale or replayed)' };
  const expected = signManifest(secret, manifest(n.dataId, n.requestId, parts.ts));
  return sameHex(parts.v1, expected) ? { ok: true } : { ok: false, reason: 'signature mismatch' };
}

/** `ts=…,v1=…`: split on `,`, then each part on its first `=`. */
function signatureParts(header: string): { ts?: string; v1?: string } {
  const parts: { ts?: string; v1?: string } = {};
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    const key = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (key === 'ts' || key === 'v1') parts[key] = value;
  }
  return parts;
}

/**
 * The docs call `ts` milliseconds while their example has ten digits (seconds): both are
 * read, by magnitude. It stays an opaque string in the manifest.
 */
function timestampMs(ts: string): number | null {
  if (!/^\d{1,16}$/.test(ts)) return null;
  const n = Number(ts);
  return n >= 1e12 ? n : n * 1000;
}

function sameHex(presented: string, expected: string): boolean {
  const a = Buffer.from(presented.toLowerCase());
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
