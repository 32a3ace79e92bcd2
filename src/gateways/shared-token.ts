import { secretsMatch } from '../http/secrets';
import type { WebhookAuth } from './gateway';

/**
 * The shared WEBHOOK_SECRET, presented in X-Webhook-Token, or in `?token=` for gateways that
 * cannot set headers (the query is never logged). TriboPay and GhostPay sign nothing, so
 * the operator puts the secret in the webhook URL or header they configure.
 */
export const sharedTokenAuth: WebhookAuth = {
  verifier({ webhookSecret }) {
    if (!webhookSecret) return { disabled: 'set WEBHOOK_SECRET (16+ characters)' };
    return {
      async verify(request) {
        const presented = request.header('x-webhook-token') || request.query('token');
        return secretsMatch(presented, webhookSecret)
          ? { ok: true }
          : { ok: false, reason: 'missing or wrong webhook token' };
      },
    };
  },
  setting: 'WEBHOOK_SECRET',
  security: 'webhookToken',
  refusal: 'WEBHOOK_SECRET is unset, or was not presented',
};
