import { ApplicationFailure } from '@temporalio/activity';
import { maskPhonesIn } from '../src/domain/phone';
import type { Logger } from '../src/logging';
import {
  NON_RETRYABLE_SMS_ERRORS,
  smsAttemptFailedSignal,
  type SmsAttemptFailure,
} from '../workflows/definitions';
import { clientOf, currentContext } from './cancellation';

/** Long enough for a loaded server; the report is informational and must not hold a retry. */
const REPORT_DEADLINE_MS = 5_000;
const MAX_REASON = 160;

/**
 * Tells the workflow that this attempt failed and will be retried, so its current details
 * (Web UI) and `state` query say "attempt N: Twilio 503" while Temporal backs off: a
 * workflow can't see a running activity's retries by itself. A permanent failure, a
 * cancellation or an attempt outside a worker reports nothing. Best effort: a report that
 * fails is logged, and the attempt fails with its own error all the same.
 */
export async function reportFailedAttempt(
  target: { workflowId: string; step: number },
  err: unknown,
  log: Logger,
): Promise<void> {
  const ctx = currentContext();
  const client = ctx && clientOf(ctx);
  if (!ctx || !client || ctx.cancellationSignal.aborted || !willRetry(err)) return;
  const failure: SmsAttemptFailure = {
    step: target.step,
    attempt: ctx.info.attempt,
    ...describe(err),
    at: new Date().toISOString(),
  };
  try {
    await client.withDeadline(Date.now() + REPORT_DEADLINE_MS, () =>
      client.workflow.getHandle(target.workflowId).signal(smsAttemptFailedSignal, failure),
    );
  } catch (reportErr) {
    log.warn(
      { err: (reportErr as Error).message, attempt: failure.attempt },
      'could not report the failed SMS attempt to the workflow',
    );
  }
}

function willRetry(err: unknown): boolean {
  if (!(err instanceof ApplicationFailure)) return true; // e.g. a database error: retried
  return !err.nonRetryable && !NON_RETRYABLE_SMS_ERRORS.includes(err.type ?? '');
}

/** Twilio's code and HTTP status when the failure carries them (TwilioTransientError). */
function describe(err: unknown): Omit<SmsAttemptFailure, 'step' | 'attempt' | 'at'> {
  const message = err instanceof Error ? err.message : String(err);
  const reason = maskPhonesIn(message).slice(0, MAX_REASON);
  if (!(err instanceof ApplicationFailure)) {
    return { errorType: err instanceof Error ? err.name : 'Error', reason };
  }
  const details = (err.details?.[0] ?? {}) as { code?: unknown; httpStatus?: unknown };
  return {
    errorType: err.type ?? 'ApplicationFailure',
    ...(typeof details.code === 'number' ? { errorCode: details.code } : {}),
    ...(typeof details.httpStatus === 'number' ? { httpStatus: details.httpStatus } : {}),
    reason,
  };
}
