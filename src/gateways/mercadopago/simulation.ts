import { randomUUID } from 'node:crypto';
import type { SimulatedPayment, Simulation } from '../simulation';
import { signNotification } from './signature';

/**
 * A Mercado Pago notification carries the payment id only (docs/gateways.md): the status
 * chooses the action (`payment.created` for a new payment, `payment.updated` after), and
 * everything else about the payment is what MERCADOPAGO_API_URL answers for that id.
 */
export const mercadopagoSimulation: Simulation = {
  usual: {
    waiting: 'pending',
    paid: 'approved',
    refused: 'rejected',
    cancelled: 'cancelled',
    refunded: 'refunded',
    chargedback: 'charged_back',
  },
  own: [
    'pending',
    'approved',
    'authorized',
    'in_process',
    'in_mediation',
    'rejected',
    'cancelled',
    'refunded',
    'charged_back',
  ],
  method: (method) => method.toLowerCase(),
  body: notification,
  async sign(rawBody, { mercadopago }, at) {
    if (!mercadopago.webhookSecret) return { unavailable: 'MERCADOPAGO_WEBHOOK_SECRET is not set' };
    const dataId = String((JSON.parse(rawBody) as { data: { id: string } }).data.id);
    const requestId = randomUUID();
    const ts = String(Math.floor(at.getTime() / 1000));
    return {
      headers: {
        'x-request-id': requestId,
        'x-signature': signNotification(mercadopago.webhookSecret, { dataId, requestId, ts }),
      },
      query: { 'data.id': dataId, type: 'payment' },
    };
  },
};

function notification(p: SimulatedPayment): Record<string, unknown> {
  return {
    id: Math.floor(p.at.getTime() / 1000),
    live_mode: false,
    type: 'payment',
    date_created: p.at.toISOString(),
    api_version: 'v1',
    action: p.status === 'pending' ? 'payment.created' : 'payment.updated',
    data: { id: p.id },
  };
}
