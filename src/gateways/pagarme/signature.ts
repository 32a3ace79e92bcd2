import {
  createPublicKey,
  verify as verifySignature,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import type { AuthVerdict } from '../gateway';

/**
 * Pagar.me's asymmetric webhook signature, as its official e-commerce modules check it
 * (vendor code; the documentation we could reach does not describe it):
 * `X-Webhook-Asymmetric-Signature: alg=RS256; kid=<key id>; signature=<base64url>`, an
 * RSASSA-PKCS1-v1_5 SHA-256 signature of the raw body by the key `kid` of its JWKS.
 */
export const PAGARME_SIGNATURE_HEADER = 'x-webhook-asymmetric-signature';

export interface ParsedSignature {
  kid: string;
  signature: Buffer;
}

/** Splits on `;`, each part on its first `=`; only RS256 is accepted. */
export function parseSignatureHeader(header: string): ParsedSignature | { problem: string } {
  if (!header) return { problem: 'missing X-Webhook-Asymmetric-Signature header' };
  const fields = new Map<string, string>();
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0) fields.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
  }
  if (fields.get('alg') !== 'RS256')
    return { problem: 'X-Webhook-Asymmetric-Signature must name alg=RS256' };
  const kid = fields.get('kid');
  const signature = fields.get('signature');
  if (!kid || !signature || !/^[A-Za-z0-9_-]+={0,2}$/.test(signature))
    return { problem: 'X-Webhook-Asymmetric-Signature needs a kid and a base64url signature' };
  return { kid, signature: Buffer.from(signature, 'base64url') };
}

/** The RSA signing key a JWKS entry describes, or null when it is not one. */
export function rsaSigningKey(jwk: JsonWebKey): KeyObject | null {
  if (jwk.kty !== 'RSA' || (jwk.use !== undefined && jwk.use !== 'sig')) return null;
  if (jwk.alg !== undefined && jwk.alg !== 'RS256') return null;
  try {
    return createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' });
  } catch {
    return null;
  }
}

export function verifyWithKey(
  rawBody: Buffer,
  parsed: ParsedSignature,
  key: KeyObject,
): AuthVerdict {
  // An RSA public key verifies RSASSA-PKCS1-v1_5 unless told otherwise.
  return verifySignature('sha256', rawBody, key, parsed.signature)
    ? { ok: true }
    : { ok: false, reason: 'X-Webhook-Asymmetric-Signature does not verify over the body' };
}
