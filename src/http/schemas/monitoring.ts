import { z } from 'zod';
import { GATEWAYS, PAYMENT_METHODS, PAYMENT_STATUSES } from '../../domain/payment-event';
import { SMS_STATUSES } from '../../domain/sms-status';
import { MAX_ID_LENGTH } from '../../gateways/fields';
import {
  eventDetailSchema,
  eventSummarySchema,
  pageSchema,
  paymentViewSchema,
  smsSchema,
  statsSchema,
  testSmsResultSchema,
} from '../../monitoring/shapes';
import type { RouteDoc } from '../openapi';
import { SUPPRESSION_ROUTES } from './suppressions';
import {
  BRAZILIAN_MOBILE,
  cursorParam,
  filledText,
  instantParam,
  limitParam,
  textParam,
} from './fields';

const TAG = 'monitoring';
const BAD_INPUT = { description: 'A parameter is invalid; `issues` names each one' };
const range = { from: instantParam.optional(), to: instantParam.optional() };

export const listEventsRoute = {
  method: 'get',
  path: '/api/webhooks/events/',
  slashOptional: true,
  operationId: 'listEvents',
  summary: 'Received webhook events, newest first',
  description:
    'Phones are masked. `from`/`to` bound the received time: `from` inclusive, `to` exclusive (a `to` at or before `from` matches nothing).',
  tag: TAG,
  security: 'bearer',
  query: z.strictObject({
    gateway: z.enum(GATEWAYS).optional(),
    payment_id: textParam(MAX_ID_LENGTH).optional(),
    payment_method: z.enum(PAYMENT_METHODS).optional(),
    payment_status: z.enum(PAYMENT_STATUSES).optional(),
    ...range,
    limit: limitParam,
    cursor: cursorParam('events').optional(),
  }),
  responses: {
    200: { description: 'One page', schema: pageSchema(eventSummarySchema, 'WebhookEventPage') },
    400: BAD_INPUT,
  },
} satisfies RouteDoc;

export const getEventRoute = {
  method: 'get',
  path: '/api/webhooks/events/{id}/',
  slashOptional: true,
  operationId: 'getEvent',
  summary: 'One webhook event: its body verbatim and what it caused',
  description: "Includes the payment's recovery transitions and SMS. Phones in full.",
  tag: TAG,
  security: 'bearer',
  params: z.strictObject({
    id: z.coerce
      .number<string>()
      .int()
      .min(1)
      .max(Number.MAX_SAFE_INTEGER)
      .meta({ description: 'The event id', inputExamples: [1] }),
  }),
  responses: {
    200: { description: 'The event', schema: eventDetailSchema },
    400: BAD_INPUT,
    404: { description: 'No such event' },
  },
} satisfies RouteDoc;

export const listSmsRoute = {
  method: 'get',
  path: '/api/webhooks/sms-logs/',
  slashOptional: true,
  operationId: 'listSms',
  summary: 'SMS messages, newest first',
  description:
    'Phones are masked. `from`/`to` bound the creation time: `from` inclusive, `to` exclusive (a `to` at or before `from` matches nothing).',
  tag: TAG,
  security: 'bearer',
  query: z.strictObject({
    status: z
      .enum(SMS_STATUSES, { error: `expected one of the SMS statuses: ${SMS_STATUSES.join(', ')}` })
      .meta({ examples: ['delivered'] })
      .optional(),
    payment_id: textParam(MAX_ID_LENGTH).optional(),
    ...range,
    limit: limitParam,
    cursor: cursorParam('sms-logs').optional(),
  }),
  responses: {
    200: { description: 'One page', schema: pageSchema(smsSchema, 'SmsPage') },
    400: BAD_INPUT,
  },
} satisfies RouteDoc;

export const getPaymentRoute = {
  method: 'get',
  path: '/api/webhooks/payments/{gateway}/{payment_id}/',
  slashOptional: true,
  operationId: 'getPayment',
  summary: "One payment's recovery",
  description:
    "The workflow's live state (its `state` query; null with a reason when the workflow doesn't exist or " +
    "Temporal can't answer), the payment's events, transitions and SMS, and a Temporal Web UI link. Phones in full.",
  tag: TAG,
  security: 'bearer',
  params: z.strictObject({ gateway: z.enum(GATEWAYS), payment_id: textParam(MAX_ID_LENGTH) }),
  responses: {
    200: { description: 'The payment', schema: paymentViewSchema },
    400: BAD_INPUT,
    404: { description: 'Nothing recorded for this payment and no workflow' },
  },
} satisfies RouteDoc;

export const statsRoute = {
  method: 'get',
  path: '/api/webhooks/stats/',
  slashOptional: true,
  operationId: 'getStats',
  summary: 'Totals over a time window (default: the last 24 hours)',
  description:
    'Webhooks by gateway and status; recoveries by transition; SMS by status with the delivery rate ' +
    '(delivered / sent, delivered or undelivered); Twilio error codes; and per gateway what recovery ' +
    'earned: PIX charges seen, recoveries attempted, SMS delivered, payments recovered, the recovery ' +
    'rate, the amount recovered in R$ and the median time to pay after the SMS.',
  tag: TAG,
  security: 'bearer',
  query: z.strictObject(range),
  responses: { 200: { description: 'The totals', schema: statsSchema }, 400: BAD_INPUT },
} satisfies RouteDoc;

export const MAX_TEST_MESSAGE = 320;

export const testSmsRoute = {
  method: 'post',
  path: '/api/webhooks/test-sms/',
  slashOptional: true,
  operationId: 'sendTestSms',
  summary: 'Send one SMS to check the Twilio set-up',
  description:
    'Recorded in the SMS logs (workflow `test-sms:<uuid>`, step 1). Limited to 5 a minute per token. ' +
    'Without `message`, sends the configured template filled with sample values.',
  tag: TAG,
  security: 'bearer',
  body: {
    contentType: 'application/json',
    schema: z
      .strictObject({
        phone_number: z
          .string()
          .min(1)
          .max(64)
          .meta({
            description: 'A mobile number; Brazilian when no country code',
            pattern: BRAZILIAN_MOBILE,
            inputExamples: ['+5521987654321'],
          }),
        message: filledText(MAX_TEST_MESSAGE).optional(),
      })
      .meta({ inputExamples: [{ phone_number: '+5521987654321', message: 'Teste de SMS' }] }),
  },
  responses: {
    200: { description: 'Twilio accepted the message', schema: testSmsResultSchema },
    400: { description: 'The body is not JSON' },
    415: { description: 'Not application/json' },
    409: { description: 'The number opted out of messages (it is on the suppression list)' },
    413: { description: 'Larger than 16 KiB' },
    422: { description: 'Bad fields, a number that is not a valid mobile, or one Twilio refused' },
    429: {
      description: 'Over the limit',
      headers: { 'Retry-After': 'Seconds until another message is allowed' },
    },
    502: {
      description: 'Twilio refused the request for another reason (see the Twilio error code)',
    },
    503: {
      description: 'Twilio is not configured or unreachable',
      headers: { 'Retry-After': 'Seconds' },
    },
  },
} satisfies RouteDoc;

export const openApiRoute = {
  method: 'get',
  path: '/api/openapi.json',
  operationId: 'getOpenApi',
  summary: 'This document',
  tag: 'meta',
  security: 'none',
  responses: { 200: { description: 'OpenAPI 3.1', schema: z.record(z.string(), z.unknown()) } },
} satisfies RouteDoc;

export const MONITORING_ROUTES: RouteDoc[] = [
  listEventsRoute,
  getEventRoute,
  listSmsRoute,
  getPaymentRoute,
  statsRoute,
  testSmsRoute,
  ...SUPPRESSION_ROUTES,
];
