import { randomUUID } from 'node:crypto';
import { signNotification } from './signature';

/** A notification as Mercado Pago posts it: query string, headers and body. */
export interface SignedNotification {
  /** `?data.id=…&type=payment`, appended to the webhook URL. */
  query: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * The documented `payment` notification for one payment, signed with the application's
 * secret the way Mercado Pago signs it (for tests that post it to the API).
 */
export function mercadopagoNotification(options: {
  paymentId: string;
  secret: string;
  action?: string;
  nowMs?: number;
  requestId?: string;
}): SignedNotification {
  const nowMs = options.nowMs ?? Date.now();
  const requestId = options.requestId ?? randomUUID();
  const ts = String(Math.floor(nowMs / 1000));
  const body = {
    id: Math.floor(nowMs / 1000) * 1000 + Math.floor(Math.random() * 1000),
    live_mode: true,
    type: 'payment',
    date_created: new Date(nowMs).toISOString(),
    user_id: 44444,
    api_version: 'v1',
    action: options.action ?? 'payment.created',
    data: { id: options.paymentId },
  };
  const query = new URLSearchParams({ 'data.id': options.paymentId, type: 'payment' });
  return {
    query: `?${query.toString()}`,
    headers: {
      'content-type': 'application/json',
      'x-request-id': requestId,
      'x-signature': signNotification(options.secret, {
        dataId: options.paymentId,
        requestId,
        ts,
      }),
    },
    body: JSON.stringify(body),
  };
}
