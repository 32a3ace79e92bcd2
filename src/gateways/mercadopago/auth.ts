import type { WebhookAuth } from '../gateway';
import { verifyNotification } from './signature';

/**
 * Mercado Pago signs `data.id` from the query string, the request id and a timestamp, not
 * the body (docs/gateways.md). The body's `data.id` must be the signed one, or a captured
 * signature could be replayed with another payment's id in the body.
 */
export const mercadopagoAuth: WebhookAuth = {
  verifier({ mercadopago }) {
    const secret = mercadopago.webhookSecret;
    if (!secret)
      return { disabled: "set MERCADOPAGO_WEBHOOK_SECRET (the application's secret signature)" };
    return {
      async verify(request) {
        const dataId = request.query('data.id');
        const check = verifyNotification(
          secret,
          {
            signature: request.header('x-signature') || undefined,
            requestId: request.header('x-request-id') || undefined,
            dataId,
          },
          request.receivedAt.getTime(),
        );
        if (!check.ok) return check;
        const inBody = bodyDataId(request.rawBody);
        if (inBody !== undefined && inBody !== dataId)
          return { ok: false, reason: 'data.id in the body is not the signed one' };
        return { ok: true };
      },
    };
  },
  setting: 'MERCADOPAGO_WEBHOOK_SECRET',
  security: 'mercadopagoSignature',
  refusal:
    'MERCADOPAGO_WEBHOOK_SECRET is unset, or x-signature is missing, stale or does not match it',
};

/** The body's `data.id` as text; undefined when there is none (the schema then answers 422). */
function bodyDataId(raw: Buffer): string | undefined {
  try {
    const id = (JSON.parse(raw.toString('utf8')) as { data?: { id?: unknown } })?.data?.id;
    return typeof id === 'string' || typeof id === 'number' ? String(id).trim() : undefined;
  } catch {
    return undefined;
  }
}
