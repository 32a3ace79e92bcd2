import type { TimeRange } from '../db/pages';

export const DEFAULT_STATS_WINDOW_MS = 24 * 3_600_000;

/** A closed window for totals: the last 24 hours unless told otherwise. */
export function statsWindow(range: TimeRange, now: Date): Required<TimeRange> {
  const to =
    range.to ?? (range.from ? new Date(Math.max(now.getTime(), range.from.getTime())) : now);
  const from = range.from ?? new Date(to.getTime() - DEFAULT_STATS_WINDOW_MS);
  return { from, to };
}
