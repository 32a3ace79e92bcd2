import { log, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createActivities, EnrichPaymentResult } from '../activities';
import { NON_RETRYABLE_ENRICHMENT_ERRORS, type PaymentUpdate, type RecoveryInput } from './definitions';

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

/**
 * What a thin update amounts to once the gateway's API has answered, and why it leads to no
 * SMS when it doesn't. Never throws: an API that never answered is an update that changes
 * nothing (`other`), with `enrichment_failed` as the reason to end a recovery it started.
 */
export async function enrichThin(
  update: PaymentUpdate,
  input: Pick<RecoveryInput, 'gateway' | 'paymentId'>,
): Promise<EnrichPaymentResult> {
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
    log.warn("the gateway's API gave no answer; the update is recorded as unknown", { reason });
    const { enrich: _thin, ...rest } = update;
    return {
      update: { ...rest, status: 'other', rawStatus: 'enrichment_failed' },
      ignored: { outcome: 'ignored: enrichment failed', reason },
    };
  }
}

/** The last attempt's own words (ActivityFailure → ApplicationFailure), not the wrapper's. */
function errorMessage(err: unknown): string {
  let cause: unknown = err;
  while (cause instanceof Error && cause.cause) cause = cause.cause;
  return cause instanceof Error ? cause.message : String(cause);
}
