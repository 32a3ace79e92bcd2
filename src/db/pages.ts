import type { Knex } from 'knex';
import type { Queryable, Tables } from './rows';

/** `from` inclusive, `to` exclusive, so consecutive windows never count a row twice. */
export interface TimeRange {
  from?: Date;
  to?: Date;
}

export function withinRange<Q extends Knex.QueryBuilder>(
  query: Q,
  column: string,
  range: TimeRange,
): Q {
  if (range.from) void query.where(column, '>=', range.from);
  if (range.to) void query.where(column, '<', range.to);
  return query;
}

/**
 * Keyset pagination, newest first, on (time, id). A page continues after the last row's
 * id; its time is read back from the table in the same query, so the position can't lose
 * the column's precision, and rows inserted meanwhile (always newer) never shift a page.
 */
export interface PageRequest {
  limit: number;
  /** The id of the last row of the previous page. */
  after?: number;
}

export interface RowPage<Row> {
  rows: Row[];
  /** The id the next page continues after; null on the last page. */
  nextAfter: number | null;
}

/**
 * One page of `query` (already filtered), newest first. A position whose row doesn't exist
 * matches nothing: the page is empty, as past the end of the list.
 */
export async function keysetPage<T extends keyof Tables>(
  db: Queryable,
  query: Knex.QueryBuilder<Tables[T]>,
  options: { table: T; timeColumn: keyof Tables[T] & string; page: PageRequest },
): Promise<RowPage<Tables[T]>> {
  const { table, timeColumn, page } = options;
  if (page.after !== undefined) {
    const after = page.after;
    const anchorTime = () => db(table).select(timeColumn).where('id', after);
    // `time <= anchor` first, so an index on the time column can start the scan at the cursor.
    void query.where(timeColumn, '<=', anchorTime()).andWhere((q) => {
      void q.where(timeColumn, '<', anchorTime()).orWhere('id', '<', after);
    });
  }
  const rows = (await query
    .select('*')
    .orderBy([
      { column: timeColumn, order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(page.limit + 1)) as Tables[T][];
  const more = rows.length > page.limit;
  const shown = more ? rows.slice(0, page.limit) : rows;
  const last = shown.at(-1) as { id?: number | string } | undefined;
  return { rows: shown, nextAfter: more && last ? Number(last.id) : null };
}
