/**
 * Where a payment's recovery stands, in the words the workflow uses for its state, its
 * `RecoveryStatus` search attribute, the `recovery_events.transition` column, the API and
 * the metrics' `outcome` label. Pure constants: the workflow bundle imports them.
 */
export const RECOVERY_STATUSES = [
  'waiting',
  'held',
  'sending',
  'sms_sent',
  'cancelled',
  'sms_failed',
  'skipped',
  'recovered',
  'not_recovered',
  // Never set by the workflow: recorded for it when Temporal reports it terminated,
  // cancelled or timed out by an operator, so the audit trail says it is over.
  'closed_by_hand',
] as const;
export type RecoveryStatus = (typeof RECOVERY_STATUSES)[number];

/** The statuses after which a payment's recovery is over for good. */
export const FINAL_RECOVERY_STATUSES = [
  'cancelled',
  'sms_failed',
  'skipped',
  'recovered',
  'not_recovered',
  'closed_by_hand',
] as const satisfies readonly RecoveryStatus[];
export type FinalRecoveryStatus = (typeof FINAL_RECOVERY_STATUSES)[number];

export function isFinalRecoveryStatus(status: string): status is FinalRecoveryStatus {
  return (FINAL_RECOVERY_STATUSES as readonly string[]).includes(status);
}
