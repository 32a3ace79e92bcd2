/**
 * Names shared by the workflow, the webhook handler, the worker and operators' CLI
 * commands, so that none of them can drift from the others.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Gateway, PaymentMethod, PaymentStatus } from '../src/domain/payment-event';
import type { RecoveryStatus } from '../src/domain/recovery-status';
import type { SmsOutcomeStatus } from '../src/domain/sms-status';
import type { QuietHours } from './quiet-hours';

export const WORKFLOW_TYPE = 'paymentRecovery';
export const PAYMENT_STATUS_SIGNAL = 'paymentStatus';
export const STATE_QUERY = 'state';
export const SMS_ATTEMPT_FAILED_SIGNAL = 'smsAttemptFailed';

/** One workflow per payment: every webhook for it converges on this ID. */
export function recoveryWorkflowId(gateway: Gateway, paymentId: string): string {
  return `recovery:${gateway}:${paymentId}`;
}

export interface RecoveryInput {
  gateway: Gateway;
  paymentId: string;
  /** Snapshotted at start, so a configuration change never alters a running recovery. */
  delayMs: number;
  attributionWindowMs: number;
  /**
   * A sequence: step N falls due `steps[N-1]` after step N−1 was due (step 1: after the
   * payment started). Absent in recoveries started before sequences existed: one step.
   */
  steps?: number[];
  /** No SMS inside this window; absent (older recoveries) means no quiet hours. */
  quietHours?: QuietHours | null;
  /**
   * The same durations as operators write them (`10m`, `24h`), so the input reads well in
   * the Web UI. Informational: the workflow runs on the milliseconds above.
   */
  durations?: { steps: string[]; attributionWindow: string };
}

/**
 * What a webhook tells the workflow. Only `status` is required, so an operator can end a
 * recovery by hand: `temporal workflow signal --name paymentStatus --input '{"status":"paid"}'`.
 */
export interface PaymentUpdate {
  status: PaymentStatus;
  /** The webhook event's dedup key; repeats of one webhook are applied once. */
  eventId?: string;
  rawStatus?: string;
  method?: PaymentMethod | null;
  /** When we received it (ISO-8601); the workflow's own clock when absent. */
  receivedAt?: string;
  /** The gateway's creation time of the payment (ISO-8601), when it said so. */
  createdAt?: string | null;
  phoneE164?: string | null;
  customerName?: string | null;
  amountCentavos?: number | null;
  checkoutUrl?: string | null;
  pixCode?: string | null;
  /**
   * A thin webhook (Mercado Pago's id only, Asaas's charge without phone or PIX code): the
   * workflow asks the gateway's API for the rest (workflows/enrichment.ts) and applies that.
   */
  enrich?: boolean;
  /** The stored webhook event an enrichment completes, so its audit row gets the answer. */
  webhookEventId?: number;
}

export interface SmsOutcome {
  status: SmsOutcomeStatus;
  step?: number;
  sid?: string;
  twilioStatus?: string;
  errorCode?: number | string;
  reason?: string;
  at: string;
}

/**
 * An attempt of the SMS activity that failed and will be retried, as the activity reports
 * it to its workflow: the workflow can't see a running activity's retries by itself.
 * No phone number: Twilio's message is masked before it is sent.
 */
export interface SmsAttemptFailure {
  step: number;
  /** Temporal's attempt number (1 for the first call). */
  attempt: number;
  /** The activity's error type (`TwilioTransientError`, `SmsOutcomeSettling`…). */
  errorType: string;
  errorCode?: number | string;
  httpStatus?: number;
  reason: string;
  at: string;
}

export interface RecoveryState {
  gateway: Gateway;
  paymentId: string;
  status: RecoveryStatus;
  lastPaymentStatus: PaymentStatus | null;
  /** When the current step's SMS is (or was) due, ISO-8601; null until a waiting status arrives. */
  dueAt: string | null;
  /** The step under way (1-based) and how many the sequence has. */
  step?: number;
  steps?: number;
  /** Set while a due SMS is held back by quiet hours: when it will go out. */
  heldUntil?: string | null;
  smsSent?: number;
  sms: SmsOutcome | null;
  /** While the step's SMS is being retried: its last failed attempt; null otherwise. */
  failedAttempt?: SmsAttemptFailure | null;
  paidAt: string | null;
  updatesApplied: number;
}

export const paymentStatusSignal = defineSignal<[PaymentUpdate]>(PAYMENT_STATUS_SIGNAL);
export const stateQuery = defineQuery<RecoveryState>(STATE_QUERY);
export const smsAttemptFailedSignal = defineSignal<[SmsAttemptFailure]>(SMS_ATTEMPT_FAILED_SIGNAL);

export const RECOVERY_STATUS_KEY = defineSearchAttributeKey(
  'RecoveryStatus',
  SearchAttributeType.KEYWORD,
);
export const GATEWAY_KEY = defineSearchAttributeKey('Gateway', SearchAttributeType.KEYWORD);
export const PAYMENT_ID_KEY = defineSearchAttributeKey('PaymentId', SearchAttributeType.KEYWORD);

/** Registered on the dev server at start-up and by the compose file's setup job. */
export const CUSTOM_SEARCH_ATTRIBUTES = [RECOVERY_STATUS_KEY, GATEWAY_KEY, PAYMENT_ID_KEY];

/** Error types the enrichment activity throws that retrying can't fix. */
export const NON_RETRYABLE_ENRICHMENT_ERRORS = ['EnrichmentNotConfigured', 'EnrichmentImpossible'];

/** Error types the SMS activity throws that retrying can't fix. */
export const NON_RETRYABLE_SMS_ERRORS = [
  'TwilioPermanentError',
  'TwilioNotConfigured',
  'InvalidSmsBody',
];
