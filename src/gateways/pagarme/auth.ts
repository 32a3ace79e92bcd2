import type { WebhookAuth } from '../gateway';
import { createJwksCache, JwksUnavailableError } from './jwks';
import { PAGARME_SIGNATURE_HEADER, parseSignatureHeader, verifyWithKey } from './signature';

/** Pagar.me signs with its own private key: there is no secret to share, only its keys' URL. */
export const pagarmeAuth: WebhookAuth = {
  verifier({ pagarme }) {
    if (!pagarme.jwksUrl) return { disabled: 'set PAGARME_WEBHOOK_JWKS_URL' };
    const jwks = createJwksCache(pagarme.jwksUrl);
    return {
      async verify(request) {
        const parsed = parseSignatureHeader(request.header(PAGARME_SIGNATURE_HEADER));
        if ('problem' in parsed) return { ok: false, reason: parsed.problem };
        try {
          const key = await jwks.key(parsed.kid);
          if (!key)
            return {
              ok: false,
              reason: "X-Webhook-Asymmetric-Signature's kid is not one of Pagar.me's keys",
            };
          return verifyWithKey(request.rawBody, parsed, key);
        } catch (err) {
          if (!(err instanceof JwksUnavailableError)) throw err;
          return { ok: false, reason: err.message, unavailable: true };
        }
      },
    };
  },
  setting: 'PAGARME_WEBHOOK_JWKS_URL',
  configured: ({ pagarme }) => Boolean(pagarme.jwksUrl && pagarme.jwksUrlSet),
  security: 'pagarmeSignature',
  refusal:
    'X-Webhook-Asymmetric-Signature is missing, or does not verify with a key from PAGARME_WEBHOOK_JWKS_URL',
};
