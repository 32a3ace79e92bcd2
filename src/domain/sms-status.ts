/**
 * The statuses of an `sms_messages` row: Twilio's own, as its status reports give them
 * (queued → sent → delivered | undelivered | failed), plus ours: `pending` (claimed, not yet
 * sent) and `cancelled` (never sent). A status only ever moves to a higher rank: reports
 * arrive out of order and more than once, and a late `sent` must not undo a `delivered`.
 */
export const SMS_STATUS_RANK = Object.freeze({
  pending: 0,
  accepted: 1, // a Messaging Service took the message
  scheduled: 1,
  queued: 1,
  sending: 2,
  sent: 3,
  delivered: 4,
  undelivered: 4,
  failed: 4,
  cancelled: 4,
} as const);
export type SmsStatus = keyof typeof SMS_STATUS_RANK;
export const SMS_STATUSES = Object.keys(SMS_STATUS_RANK) as SmsStatus[];

/** The rank of a status we have never seen: anything Twilio reports may replace it. */
export const UNKNOWN_SMS_RANK = 0;

/** The statuses a Twilio status report may carry and we record. */
export const REPORTED_SMS_STATUSES = [
  'accepted',
  'scheduled',
  'queued',
  'sending',
  'sent',
  'delivered',
  'undelivered',
  'failed',
] as const satisfies readonly SmsStatus[];
export type ReportedSmsStatus = (typeof REPORTED_SMS_STATUSES)[number];

/**
 * Statuses once the message left Twilio for the carrier; `delivered` among them reached the
 * handset. `failed` is not one: Twilio never sent those.
 */
export const SENT_OR_BEYOND: readonly SmsStatus[] = ['sent', 'delivered', 'undelivered'];

/** Statuses Twilio (or its carrier) has decided; `cancelled` never went out. */
export const SETTLED_SMS_STATUSES: readonly SmsStatus[] = ['delivered', 'undelivered', 'failed'];

/**
 * Twilio's status when it accepts a message is one of the reported ones; any other word
 * (a status added after this list) is recorded as `accepted`, the lowest rank after
 * `pending`, so the status reports that follow still move the row forward.
 */
export function acceptedSmsStatus(twilioStatus: string): ReportedSmsStatus {
  return isReportedSmsStatus(twilioStatus) ? twilioStatus : 'accepted';
}

export function isSmsStatus(status: string): status is SmsStatus {
  return Object.hasOwn(SMS_STATUS_RANK, status);
}

/** How a recovery's SMS step ended, as the workflow's state reports it (`RecoveryState.sms`). */
export const SMS_OUTCOME_STATUSES = ['sent', 'failed', 'skipped'] as const;
export type SmsOutcomeStatus = (typeof SMS_OUTCOME_STATUSES)[number];

export function isReportedSmsStatus(status: string): status is ReportedSmsStatus {
  return (REPORTED_SMS_STATUSES as readonly string[]).includes(status);
}

export function smsStatusRank(status: string): number {
  return isSmsStatus(status) ? SMS_STATUS_RANK[status] : UNKNOWN_SMS_RANK;
}
