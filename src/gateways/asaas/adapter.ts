import { z } from 'zod';
import { defineAdapter } from '../adapter';
import { optionalId, requiredWord } from '../fields';
import { chargeSchema, chargeToEvent } from './charge';
import { ASAAS_EXAMPLES } from './fixtures';

/**
 * The documented envelope (docs/gateways.md): the event's id and name, and the charge in
 * full, but for its customer (an id) and its PIX code. A PIX charge still waiting is
 * completed from the API (customer, PIX code) before its recovery decides anything.
 */
const schema = z
  .looseObject({
    id: optionalId,
    event: requiredWord,
    payment: chargeSchema,
  })
  .meta({
    description:
      '`event` and `payment{id, status}` are required; `payment.billingType`, `payment.value` ' +
      '(reais), `payment.customer` and `payment.invoiceUrl` are read when present. The phone and ' +
      'the PIX code come from the Asaas API.',
    required: ['event', 'payment'],
    inputExamples: ASAAS_EXAMPLES,
  });

type Body = z.output<typeof schema>;

export const asaasAdapter = defineAdapter({
  gateway: 'asaas',
  displayName: 'Asaas',
  schema,
  toEvent(body: Body) {
    const event = chargeToEvent(body.payment, body.event);
    const thin = event.status === 'waiting' && event.method === 'pix';
    return thin ? { ...event, needsEnrichment: true } : event;
  },
});
