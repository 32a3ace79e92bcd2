import { isTerminal } from '../src/domain/payment-event';
import type { Logger } from '../src/logging';
import { StatusCheckError, type ReportedStatus } from '../src/source-of-truth';
import type { ActivityDeps } from '.';
import type { SendSmsInput } from './send-recovery-sms';

/**
 * Asks the gateway's own API, when one is configured for the payment's gateway, whether the
 * sale already ended: a terminal webhook that never reached us would otherwise mean an SMS
 * after payment. Returns the terminal status it reported, or null to send. Without a clear
 * answer (error, timeout, a status we don't know) the webhooks' word stands: the check is
 * bounded by its timeout and is never a reason not to send or to retry.
 */
export async function endedAtGateway(
  { paymentStatusSources, metrics }: ActivityDeps,
  input: SendSmsInput,
  log: Logger,
): Promise<ReportedStatus | null> {
  const source = paymentStatusSources?.[input.gateway];
  if (!source) return null;
  const where = { gateway: input.gateway, paymentId: input.paymentId };
  let reported: ReportedStatus;
  try {
    reported = await source.currentStatus(input.paymentId);
  } catch (err) {
    const failure = err instanceof StatusCheckError ? err.failure : 'error';
    metrics?.gatewayStatusChecks.inc({ gateway: input.gateway, result: failure });
    // A refused token fails every check until someone fixes the configuration.
    const level = failure === 'unauthorized' ? 'error' : 'warn';
    log[level](
      { ...where, failure, err: err instanceof Error ? err.message : String(err) },
      'gateway status check failed; going by the webhooks',
    );
    return null;
  }
  const result = resultOf(reported);
  metrics?.gatewayStatusChecks.inc({ gateway: input.gateway, result });
  if (result === 'unknown_status')
    log.warn(
      { ...where, rawStatus: reported.rawStatus },
      'gateway reported an unknown status; going by the webhooks',
    );
  return result === 'ended' ? reported : null;
}

function resultOf({ status }: ReportedStatus): 'waiting' | 'ended' | 'unknown_status' {
  if (status === 'waiting') return 'waiting';
  return isTerminal(status) ? 'ended' : 'unknown_status';
}
