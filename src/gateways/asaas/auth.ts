import { secretsMatch } from '../../http/secrets';
import type { WebhookAuth } from '../gateway';

/**
 * Asaas signs nothing: the webhook's authentication token comes verbatim in the
 * `asaas-access-token` header of every notification (docs/gateways.md).
 */
export const asaasAuth: WebhookAuth = {
  verifier({ asaas }) {
    const token = asaas.webhookToken;
    if (!token) return { disabled: 'set ASAAS_WEBHOOK_TOKEN (the webhook’s authentication token)' };
    return {
      async verify(request) {
        return secretsMatch(request.header('asaas-access-token') || undefined, token)
          ? { ok: true }
          : { ok: false, reason: 'missing or wrong asaas-access-token' };
      },
    };
  },
  setting: 'ASAAS_WEBHOOK_TOKEN',
  security: 'asaasAccessToken',
  refusal: 'ASAAS_WEBHOOK_TOKEN is unset, or asaas-access-token is missing or is not it',
};
