/**
 * The order an outbound SMS moves through, as Twilio reports it (queued → sent →
 * delivered | undelivered | failed), plus our own `pending` (claimed, not yet sent) and
 * `cancelled` (never sent). A status only ever moves to a higher rank: callbacks arrive
 * out of order and more than once, and a late `sent` must not undo a `delivered`.
 */
export const STATUS_RANK: Readonly<Record<string, number>> = Object.freeze({
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
});

/** The rank of a status we have never seen: anything Twilio reports may replace it. */
export const UNKNOWN_RANK = 0;

/** The statuses a Twilio status callback may report and we record. */
export const CALLBACK_STATUSES = [
  'accepted',
  'scheduled',
  'queued',
  'sending',
  'sent',
  'delivered',
  'undelivered',
  'failed',
] as const;
export type CallbackStatus = (typeof CALLBACK_STATUSES)[number];

export function isCallbackStatus(status: string): status is CallbackStatus {
  return (CALLBACK_STATUSES as readonly string[]).includes(status);
}

export function statusRank(status: string): number {
  return Object.hasOwn(STATUS_RANK, status) ? STATUS_RANK[status] : UNKNOWN_RANK;
}

/** True when a row in `current` should take `next`: strictly later, never out of a final status. */
export function advances(current: string, next: string): boolean {
  return statusRank(current) < statusRank(next);
}
