import { log, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createActivities, EnrichPaymentResult } from '../activities';
import {
  NON_RETRYABLE_ENRICHMENT_ERRORS,
  type PaymentUpdate,
  type RecoveryInput,
} from './definitions';

type Activities = ReturnType<typeof createActivities>;

/**
 * Thin webhooks are completed from the gateway's API by an activity. Patched: a worker
 * without this step applied such an update as it came; its histories must replay so.
 */
const ENRICHMENT_PATCH = 'thin-webhook-enrichment';

/**
 * The gateway's API may be down for a while: retried with backoff for up to an hour, while
 * the recovery's own due time keeps running from the payment's creation. An answer that
 * comes later than the due time sends at once; none within the hour ends the recovery.
 */
const { enrichPayment } = proxyActivities<Activities>({
  summary: "read the payment from the gateway's API",
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '1h',
  retry: {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '5m',
    nonRetryableErrorTypes: NON_RETRYABLE_ENRICHMENT_ERRORS,
  },
});

/** The gateway's answer as an update, or null when it never answered. */
export interface Enriched {
  update: PaymentUpdate | null;
  /** Why it leads to no SMS (`ignored: no phone`, `ignored: enrichment failed`…), if so. */
  ignored: EnrichPaymentResult['ignored'];
}

/**
 * What a thin update amounts to once the gateway's API has answered. Never throws: an API
 * that never answered (retries ran out, no credentials) taught us nothing about the
 * payment, and says so as `ignored: enrichment failed`.
 */
export async function enrichThin(
  update: PaymentUpdate,
  input: Pick<RecoveryInput, 'gateway' | 'paymentId'>,
): Promise<Enriched> {
  if (!patched(ENRICHMENT_PATCH)) return { update, ignored: null };
  try {
    return await enrichPayment({
      workflowId: workflowInfo().workflowId,
      gateway: input.gateway,
      paymentId: input.paymentId,
      update,
    });
  } catch (err) {
    const reason = errorMessage(err);
    log.warn("the gateway's API gave no answer for a thin webhook", { reason });
    return { update: null, ignored: { outcome: 'ignored: enrichment failed', reason } };
  }
}

/** The last attempt's own words (ActivityFailure → ApplicationFailure), not the wrapper's. */
function errorMessage(err: unknown): string {
  let cause: unknown = err;
  while (cause instanceof Error && cause.cause) cause = cause.cause;
  return cause instanceof Error ? cause.message : String(cause);
}
