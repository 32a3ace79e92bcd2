import { z } from 'zod';
import { SUPPRESSION_REASONS } from '../db/suppressions';
import { GATEWAYS, PAYMENT_METHODS, PAYMENT_STATUSES } from '../domain/payment-event';
import { CLOSED_BY_HAND, type ExecutionStatus, type ExecutionView } from '../temporal/executions';
import { RECORDED_OUTCOMES } from '../domain/intake-outcome';
import { RECOVERY_STATUSES } from '../domain/recovery-status';
import { SMS_OUTCOME_STATUSES, SMS_STATUSES } from '../domain/sms-status';
import type { RecoveryState, SmsAttemptFailure, SmsOutcome } from '../../workflows/definitions';

/**
 * What the monitoring API (and the CLI) show, as JSON: these schemas are both the
 * OpenAPI document's response schemas and what the tests parse real responses with.
 */

const instant = z.iso.datetime().meta({ description: 'ISO-8601, UTC' });
const count = z.int().min(0);
const detail = z.record(z.string(), z.unknown());

export const eventSummarySchema = z
  .object({
    id: z.int(),
    gateway: z.enum(GATEWAYS),
    paymentId: z.string(),
    paymentMethod: z.enum(PAYMENT_METHODS).nullable(),
    paymentStatus: z.enum(PAYMENT_STATUSES),
    rawStatus: z.string(),
    amountCentavos: z.int().nullable(),
    phone: z.string().nullable().meta({
      description:
        'The E.164 number the SMS would go to: masked in lists (+55 11 9****-4321), full in single views',
    }),
    phoneError: z.string().nullable(),
    outcome: z.enum(RECORDED_OUTCOMES).nullable(),
    workflowId: z.string().nullable(),
    receivedAt: instant,
    handedOffAt: instant.nullable(),
  })
  .meta({ id: 'WebhookEventSummary' });

export const transitionSchema = z
  .object({
    id: z.int(),
    workflowId: z.string(),
    transition: z.enum(RECOVERY_STATUSES),
    detail: detail.nullable(),
    occurredAt: instant,
    recordedAt: instant,
  })
  .meta({ id: 'RecoveryTransition' });

export const smsSchema = z
  .object({
    id: z.int(),
    workflowId: z.string(),
    step: z.int(),
    gateway: z.string(),
    paymentId: z.string(),
    to: z.string().meta({ description: 'Masked in lists, full in single views' }),
    body: z.string(),
    twilioSid: z.string().nullable(),
    status: z.enum(SMS_STATUSES),
    errorCode: z.int().nullable(),
    errorMessage: z.string().nullable(),
    price: z.string().nullable(),
    priceUnit: z.string().nullable(),
    attempts: count,
    outcomeUnknownSince: instant.nullable().meta({
      description:
        'Set while a Twilio call for this message ended without a clear answer: the message may exist, and it is only looked up until the settling time has passed',
    }),
    createdAt: instant,
    updatedAt: instant,
    sentAt: instant.nullable(),
    deliveredAt: instant.nullable(),
  })
  .meta({ id: 'SmsMessage' });

export const eventDetailSchema = eventSummarySchema
  .extend({
    rawMethod: z.string().nullable(),
    customer: z.object({
      name: z.string().nullable(),
      email: z.string().nullable(),
      phone: z.string().nullable(),
    }),
    contentType: z.string().nullable(),
    rawBody: z.string().meta({ description: 'The body exactly as received (decoded to text)' }),
    normalized: detail.meta({ description: 'The webhook as a PaymentEvent' }),
    caused: z.object({
      outcome: z.enum(RECORDED_OUTCOMES).nullable(),
      workflowId: z.string().nullable(),
      transitions: z.array(transitionSchema),
      sms: z.array(smsSchema),
    }),
  })
  .meta({ id: 'WebhookEvent' });

const smsOutcomeSchema = z.object({
  status: z.enum(SMS_OUTCOME_STATUSES),
  step: z.int().optional(),
  sid: z.string().optional(),
  twilioStatus: z.string().optional(),
  errorCode: z.union([z.int(), z.string()]).optional(),
  reason: z.string().optional(),
  at: z.string(),
} satisfies Record<keyof SmsOutcome, z.ZodType>);

const smsAttemptFailureSchema = z.object({
  step: z.int(),
  attempt: z.int(),
  errorType: z.string(),
  errorCode: z.union([z.int(), z.string()]).optional(),
  httpStatus: z.int().optional(),
  reason: z.string(),
  at: z.string(),
} satisfies Record<keyof SmsAttemptFailure, z.ZodType>);

/**
 * The workflow's own `RecoveryState`, answered by its `state` query. `satisfies` makes a
 * field added to the workflow fail to compile here until it is described.
 */
export const recoveryStateSchema = z
  .object({
    gateway: z.enum(GATEWAYS),
    paymentId: z.string(),
    status: z.enum(RECOVERY_STATUSES),
    lastPaymentStatus: z.enum(PAYMENT_STATUSES).nullable(),
    dueAt: z.string().nullable(),
    step: z.int().optional(),
    steps: z.int().optional(),
    heldUntil: z.string().nullable().optional(),
    smsSent: count.optional(),
    sms: smsOutcomeSchema.nullable(),
    failedAttempt: smsAttemptFailureSchema
      .nullable()
      .optional()
      .describe('While the SMS is retried: its last failed attempt (Twilio code, masked message)'),
    paidAt: z.string().nullable(),
    updatesApplied: count,
  } satisfies Record<keyof RecoveryState, z.ZodType>)
  .meta({ id: 'RecoveryState' });

export const executionSchema = z
  .object({
    status: z.enum([
      'running',
      'completed',
      'failed',
      ...CLOSED_BY_HAND,
      'continued_as_new',
      'unknown',
    ] satisfies ExecutionStatus[]),
    closedAt: instant.nullable(),
    closedByHand: z.boolean(),
    runId: z.string(),
  } satisfies Record<keyof ExecutionView, z.ZodType>)
  .meta({ id: 'WorkflowExecution' });

export const WORKFLOW_STATE_REASONS = [
  'workflow_not_found',
  'temporal_timeout',
  'temporal_error',
] as const;

export const paymentViewSchema = z
  .object({
    gateway: z.enum(GATEWAYS),
    paymentId: z.string(),
    workflowId: z.string(),
    workflow: z.object({
      state: recoveryStateSchema.nullable(),
      reason: z
        .enum(WORKFLOW_STATE_REASONS)
        .nullable()
        .meta({ description: 'Why `state` is null' }),
      execution: executionSchema.nullable().meta({
        description:
          "Temporal's status of the execution; null when there is none or Temporal can't say. " +
          '`closedByHand` recoveries (terminated, cancelled, timed out) keep in `state` where they stopped.',
      }),
    }),
    links: z.object({ temporalUi: z.url() }),
    events: z
      .array(eventSummarySchema)
      .meta({ description: 'Oldest first; the latest 200 at most' }),
    transitions: z.array(transitionSchema),
    sms: z.array(smsSchema),
  })
  .meta({ id: 'PaymentView' });

export function pageSchema<T extends z.ZodType>(item: T, id: string) {
  return z
    .object({
      items: z.array(item),
      next: z
        .string()
        .nullable()
        .meta({ description: 'Pass as `cursor` for the next page; null on the last page' }),
    })
    .meta({ id });
}

export const revenueLineSchema = z
  .object({
    pixChargesSeen: count.meta({
      description: 'Distinct PIX payments with a webhook received in the window',
    }),
    recoveriesAttempted: count.meta({
      description: 'Payments whose first recovery SMS Twilio accepted in the window',
    }),
    smsDelivered: count.meta({
      description: 'Recovery SMS created in the window that Twilio reported delivered',
    }),
    recovered: count.meta({
      description: 'Of the attempted, paid inside the attribution window after the SMS',
    }),
    notRecovered: count.meta({
      description:
        'Of the attempted, whose attribution window closed unpaid, paid before Twilio accepted the SMS, ' +
        'or closed by hand (terminated, cancelled or timed out: `closed_by_hand`)',
    }),
    stillOpen: count.meta({
      description: 'Of the attempted, still running: inside their attribution window',
    }),
    recoveryRate: z
      .number()
      .min(0)
      .max(1)
      .nullable()
      .meta({ description: 'recovered / recoveriesAttempted; null when nothing was attempted' }),
    recoveredCentavos: count.meta({ description: 'Sum of the recovered payments, in centavos' }),
    recoveredAmount: z.string().meta({ description: 'The same in reais: `R$ 1.234,56`' }),
    medianMsToPay: z
      .number()
      .min(0)
      .nullable()
      .meta({ description: 'Median time from the last SMS to the payment, in ms' }),
    medianTimeToPay: z.string().nullable().meta({ description: 'The same, as `14m 05s`' }),
  })
  .meta({ id: 'RevenueLine' });

export const statsSchema = z
  .object({
    window: z.object({ from: instant, to: instant }),
    webhooks: z.object({
      total: count,
      byGateway: z.record(
        z.string(),
        z.object({
          total: count,
          byStatus: z.record(z.string(), count),
          byOutcome: z.partialRecord(z.enum(RECORDED_OUTCOMES), count).meta({
            description:
              'What became of them (`scheduled`, `ignored: no phone`…); a webhook not yet handed to its recovery has none',
          }),
        }),
      ),
    }),
    recoveries: z.object({
      waiting: count.meta({ description: 'Recoveries that entered `waiting` in the window' }),
      cancelled: count.meta({ description: 'Recoveries that reached `cancelled`' }),
      smsSent: count.meta({ description: 'Recoveries that reached `sms_sent`' }),
      smsFailed: count.meta({ description: 'Recoveries that reached `sms_failed`' }),
      recovered: count.meta({ description: 'Recoveries that reached `recovered`' }),
      notRecovered: count.meta({ description: 'Recoveries that reached `not_recovered`' }),
      closedByHand: z
        .object({ terminated: count, cancelled: count, timedOut: count })
        .nullable()
        .meta({
          description:
            'Recoveries an operator terminated or cancelled, or that timed out, closed in the window ' +
            "(from Temporal's visibility, not the audit tables); null when Temporal could not answer",
        }),
    }),
    sms: z.object({
      total: count,
      byStatus: z.partialRecord(z.enum(SMS_STATUSES), count),
      delivered: count,
      sentOrBeyond: count,
      deliveryRate: z.number().min(0).max(1).nullable(),
    }),
    twilioErrors: z.array(z.object({ code: z.int(), count })),
    revenue: z
      .object({
        total: revenueLineSchema,
        byGateway: z.record(z.enum(GATEWAYS), revenueLineSchema),
      })
      .meta({
        description:
          'What recovery earned. Recoveries are counted by when their first SMS went out, so ' +
          'recovered, not recovered and still open are outcomes of the same payments.',
      }),
  })
  .meta({ id: 'Stats' });

export const suppressionSchema = z
  .object({
    id: z.int(),
    phone: z.string().meta({ description: 'Masked in lists, full in single views' }),
    reason: z.enum(SUPPRESSION_REASONS).meta({
      description:
        'opt_out_reply: the customer replied PARE, SAIR, STOP…; twilio_21610: Twilio reported ' +
        'the recipient opted out; manual: added through this API',
    }),
    detail: z
      .string()
      .nullable()
      .meta({ description: 'The reply, the Twilio error, or the note given' }),
    createdAt: instant,
  })
  .meta({ id: 'Suppression' });

export const testSmsResultSchema = z
  .object({
    sid: z.string(),
    status: z.string(),
    smsId: z.int(),
    workflowId: z.string(),
    to: z.string(),
    body: z.string(),
  })
  .meta({ id: 'TestSmsResult' });

export type EventSummary = z.infer<typeof eventSummarySchema>;
export type EventDetail = z.infer<typeof eventDetailSchema>;
export type TransitionView = z.infer<typeof transitionSchema>;
export type SmsView = z.infer<typeof smsSchema>;
export type PaymentView = z.infer<typeof paymentViewSchema>;
export type Stats = z.infer<typeof statsSchema>;
export type RevenueLine = z.infer<typeof revenueLineSchema>;
export type TestSmsResult = z.infer<typeof testSmsResultSchema>;
export type SuppressionView = z.infer<typeof suppressionSchema>;
export interface Page<T> {
  items: T[];
  next: string | null;
}
