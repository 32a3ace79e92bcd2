import type { AuthVerdict, WebhookAuth } from '../gateway';
import { createJwksCache, JwksUnavailableError } from './jwks';
import { PAGARME_SIGNATURE_HEADER, parseSignatureHeader, verifyWithKey } from './signature';

/**
 * Pagar.me signs with its own private key, the same for all its accounts: the signature
 * says the webhook came from Pagar.me, and the envelope's `account.id` says whose it is.
 * Both must hold, or anyone with a Pagar.me account could make us text anyone.
 */
export const pagarmeAuth: WebhookAuth = {
  verifier({ pagarme }, deps = {}) {
    const accounts = new Set(pagarme.accountIds ?? []);
    if (accounts.size === 0) return { disabled: 'set PAGARME_ACCOUNT_ID' };
    if (!pagarme.jwksUrl) return { disabled: 'set PAGARME_WEBHOOK_JWKS_URL' };
    const jwks = createJwksCache(pagarme.jwksUrl, {
      logger: deps.logger,
      instruments: deps.metrics?.gatewayKeys,
    });
    return {
      async verify(request) {
        const parsed = parseSignatureHeader(request.header(PAGARME_SIGNATURE_HEADER));
        if ('problem' in parsed) return { ok: false, reason: parsed.problem };
        let signed: AuthVerdict;
        try {
          const key = await jwks.key(parsed.kid);
          if (!key)
            return {
              ok: false,
              reason: "X-Webhook-Asymmetric-Signature's kid is not one of Pagar.me's keys",
            };
          signed = verifyWithKey(request.rawBody, parsed, key);
        } catch (err) {
          if (!(err instanceof JwksUnavailableError)) throw err;
          return { ok: false, reason: err.message, unavailable: true };
        }
        if (!signed.ok) return signed;
        const account = accountOf(request.rawBody);
        return account !== null && accounts.has(account)
          ? { ok: true }
          : {
              ok: false,
              reason: 'the webhook is not from a Pagar.me account in PAGARME_ACCOUNT_ID',
            };
      },
    };
  },
  setting: 'PAGARME_ACCOUNT_ID',
  security: 'pagarmeSignature',
  refusal:
    'X-Webhook-Asymmetric-Signature is missing or does not verify with a key from PAGARME_WEBHOOK_JWKS_URL, or account.id is not in PAGARME_ACCOUNT_ID',
};

/** The envelope's `account.id`, read only after the signature held; null when absent. */
function accountOf(rawBody: Buffer): string | null {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof body !== 'object' || body === null || !('account' in body)) return null;
  const account: unknown = body.account;
  if (typeof account !== 'object' || account === null || !('id' in account)) return null;
  return typeof account.id === 'string' ? account.id : null;
}
