import { z } from 'zod';
import type { RouteDoc } from '../openapi';
import { phoneBody } from './suppressions';

const erasureSchema = z
  .object({
    tables: z
      .object({
        webhook_events: z.int().meta({ description: 'Webhook events anonymised' }),
        sms_messages: z.int().meta({ description: 'Messages anonymised' }),
        recovery_events: z
          .int()
          .meta({ description: "Transitions whose free text (Twilio's error) named the number" }),
        sms_send_claims: z.int().meta({ description: 'Frequency-cap claims deleted' }),
        suppressed_numbers: z
          .int()
          .meta({ description: '1 when the number was added, 0 when already there' }),
      })
      .meta({ description: 'Rows changed per table; all 0 on a repeat' }),
    recoveriesEnded: z.int().meta({ description: 'Running recoveries cancelled before any SMS' }),
  })
  .meta({ id: 'Erasure' });

export const erasePhoneRoute = {
  method: 'post',
  path: '/api/webhooks/privacy/erase/',
  slashOptional: true,
  operationId: 'erasePhone',
  summary: "Forget a customer's number (LGPD erasure request)",
  description:
    'Suppresses the number (it is never messaged again), cancels its running recoveries, ' +
    'anonymises every webhook and message about it (raw body, name, e-mail and message ' +
    'text dropped; the phone kept only as its masked form and a keyed hash) and deletes ' +
    'its frequency-cap claims. Idempotent. Logged without the number.',
  tag: 'privacy',
  security: 'bearer',
  body: {
    contentType: 'application/json',
    schema: z
      .strictObject(
        phoneBody(false, 'The number in any usual spelling; Brazilian when it has no country code'),
      )
      .meta({ inputExamples: [{ phone_number: '+5521987654321' }] }),
  },
  responses: {
    200: { description: 'What was done', schema: erasureSchema },
    400: { description: 'The body is not JSON' },
    413: { description: 'Larger than 4 KiB' },
    415: { description: 'Not application/json' },
    422: { description: 'Bad fields; `issues` names each one' },
    503: { description: 'Erasure is not available in this process' },
  },
} satisfies RouteDoc;
