import { z } from 'zod';
import { bareEvent } from '../../domain/payment-event';
import { defineAdapter } from '../adapter';
import { optionalId, optionalWord, requiredId, requiredWord } from '../fields';
import { MERCADOPAGO_EXAMPLES } from './fixtures';

/**
 * The notification's documented body (docs/gateways.md): `type` (`payment` for the Payments
 * API), `action` (`payment.created`, `payment.updated`) and `data.id`, the payment. It says
 * nothing of the payment's state, which the recovery reads from the API.
 */
const schema = z
  .looseObject({
    id: optionalId,
    type: requiredWord,
    action: optionalWord,
    data: z.looseObject({ id: requiredId }).meta({ required: ['id'] }),
  })
  .meta({
    description:
      '`type` and `data.id` are required. A `payment` notification names the payment only: ' +
      'its status, method, amount and phone are read from `GET /v1/payments/{data.id}`. Other ' +
      'types are recorded and change nothing. The query string carries `data.id` too; it is ' +
      'the value `x-signature` signs and must equal the body’s.',
    required: ['type', 'data'],
    inputExamples: MERCADOPAGO_EXAMPLES,
  });

type Body = z.output<typeof schema>;

export const PAYMENT_TOPIC = 'payment';

export const mercadopagoAdapter = defineAdapter({
  gateway: 'mercadopago',
  displayName: 'Mercado Pago',
  schema,
  toEvent(body: Body) {
    const payment = body.type.trim().toLowerCase() === PAYMENT_TOPIC;
    // Not a status: the notification's action, until the API says what the payment is.
    const event = bareEvent('mercadopago', body.data.id, 'other', body.action ?? body.type);
    return payment ? { ...event, needsEnrichment: true } : { ...event, rawStatus: body.type };
  },
});
