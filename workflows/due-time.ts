/** How far ahead of our clock a gateway's creation time may be before we distrust it. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;
/** Older than this, a creation time is more likely wrong than a day-old unpaid PIX. */
const MAX_CREATED_AGE_MS = 24 * 3_600_000;

/**
 * The recovery delay runs from the payment's creation when the gateway gives a plausible
 * creation time, otherwise from the first webhook we received.
 */
export function recoveryStart(
  createdAt: string | null | undefined,
  firstReceivedMs: number,
): number {
  const created = createdAt ? Date.parse(createdAt) : NaN;
  if (Number.isNaN(created)) return firstReceivedMs;
  const plausible =
    created <= firstReceivedMs + MAX_CLOCK_SKEW_MS &&
    created >= firstReceivedMs - MAX_CREATED_AGE_MS;
  return plausible ? Math.min(created, firstReceivedMs) : firstReceivedMs;
}
