import type { Knex } from 'knex';

/** `from` inclusive, `to` exclusive, so consecutive windows never count a row twice. */
export interface TimeRange {
  from?: Date;
  to?: Date;
}

export function withinRange(
  query: Knex.QueryBuilder,
  column: string,
  range: TimeRange,
): Knex.QueryBuilder {
  if (range.from) void query.where(column, '>=', range.from);
  if (range.to) void query.where(column, '<', range.to);
  return query;
}

export const DEFAULT_STATS_WINDOW_MS = 24 * 3_600_000;

/** A closed window for totals: the last 24 hours unless told otherwise. */
export function statsWindow(range: TimeRange, now: Date): Required<TimeRange> {
  const to =
    range.to ?? (range.from ? new Date(Math.max(now.getTime(), range.from.getTime())) : now);
  const from = range.from ?? new Date(to.getTime() - DEFAULT_STATS_WINDOW_MS);
  return { from, to };
}
