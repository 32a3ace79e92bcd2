import { z } from 'zod';
import { STATUS_CALLBACK_PATH } from '../../sms-status/callback-url';
import type { RouteDoc } from '../openapi';

/**
 * Routes other modules serve, described generically until their own schemas exist.
 * Whoever owns one may replace its entry with precise schemas.
 */
export const TWILIO_STATUS_ROUTE: RouteDoc = {
  method: 'post',
  path: STATUS_CALLBACK_PATH,
  slashOptional: true,
  operationId: 'twilioStatusCallback',
  summary: "Twilio's status reports (status callbacks) for sent SMS",
  description: 'Form fields as Twilio posts them (`MessageSid`, `MessageStatus`, `ErrorCode`, …).',
  tag: 'webhooks',
  security: 'twilioSignature',
  body: {
    contentType: 'application/x-www-form-urlencoded',
    schema: z.looseObject({
      MessageSid: z.string(),
      MessageStatus: z.string(),
      ErrorCode: z.string().optional(),
    }),
  },
  responses: {
    200: {
      description: 'Accepted; `recorded` says whether it changed a message row',
      schema: z.object({ recorded: z.boolean() }),
    },
    403: { description: 'Callbacks not configured here, or the signature missing or wrong' },
    415: { description: 'Not a form' },
    422: { description: 'Fields of the wrong shape' },
  },
};

export const TWILIO_INBOUND_ROUTE: RouteDoc = {
  method: 'post',
  path: '/api/webhooks/twilio/inbound/',
  slashOptional: true,
  operationId: 'twilioInboundMessage',
  summary: "Customers' SMS replies (Twilio's incoming-message webhook)",
  description:
    'A reply that is only an opt-out word (PARE, SAIR, STOP, CANCELAR…, any case, accents or punctuation) puts the number on the suppression list.',
  tag: 'webhooks',
  security: 'twilioSignature',
  body: {
    contentType: 'application/x-www-form-urlencoded',
    schema: z.looseObject({ From: z.string(), Body: z.string().optional() }),
  },
  responses: {
    200: {
      description: 'TwiML: a confirmation `<Message>` after an opt-out, otherwise empty',
      contentType: 'text/xml',
      schema: z.string(),
    },
    403: { description: 'Twilio webhooks not configured here, or the signature missing or wrong' },
    415: { description: 'Not a form' },
    422: { description: '`From` is not an E.164 number' },
  },
};

export const METRICS_ROUTE: RouteDoc = {
  method: 'get',
  path: '/metrics',
  operationId: 'metrics',
  summary: 'Prometheus metrics',
  description: 'Counts and timings only: no payment ids, phone numbers or hosts.',
  tag: 'operations',
  security: 'none',
  responses: {
    200: {
      description: 'Prometheus text exposition format',
      contentType: 'text/plain; version=0.0.4',
      schema: z.string(),
    },
  },
};
