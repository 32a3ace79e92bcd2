import type { Knex } from 'knex';
import type { Db } from '../db/connect';

/**
 * Keyset pagination, newest first, on (time, id). The cursor names only the last row's
 * list and id; its time is read back from the table in the same query, so the cursor can't
 * lose the column's precision, and rows inserted meanwhile (always newer) never shift a page.
 */
export interface PageRequest {
  limit: number;
  /** The id of the last row of the previous page. */
  after?: number;
}

export type ListName = 'events' | 'sms-logs' | 'suppressions';

/**
 * `<list>.<id>`: a shape a regular expression can state exactly, so the OpenAPI document
 * describes every cursor the API accepts and no other (a fuzzer holds it to that). Ids
 * stay below 10^15, well inside JavaScript's safe integers.
 */
export function cursorPattern(list: ListName): string {
  return `^${list}\\.[1-9][0-9]{0,14}$`;
}

export function encodeCursor(list: ListName, id: number): string {
  return `${list}.${id}`;
}

/** The id a cursor continues after, or null when it isn't one of this list's cursors. */
export function decodeCursor(list: ListName, text: string): number | null {
  return new RegExp(cursorPattern(list)).test(text) ? Number(text.slice(list.length + 1)) : null;
}

/**
 * One page of `query` (already filtered), newest first. A cursor whose row doesn't exist
 * matches nothing: the page is empty, as past the end of the list.
 */
export async function keysetPage(
  db: Db,
  query: Knex.QueryBuilder,
  options: { table: string; timeColumn: string; list: ListName; page: PageRequest },
): Promise<{ rows: Record<string, unknown>[]; next: string | null }> {
  const { table, timeColumn, list, page } = options;
  if (page.after !== undefined) {
    const after = page.after;
    const anchorTime = () => db(table).select(timeColumn).where('id', after);
    // `time <= anchor` first, so an index on the time column can start the scan at the cursor.
    void query.where(timeColumn, '<=', anchorTime()).andWhere((q) => {
      void q.where(timeColumn, '<', anchorTime()).orWhere('id', '<', after);
    });
  }
  const rows = (await query
    .orderBy([
      { column: timeColumn, order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(page.limit + 1)) as Record<string, unknown>[];
  const more = rows.length > page.limit;
  const shown = more ? rows.slice(0, page.limit) : rows;
  return {
    rows: shown,
    next: more ? encodeCursor(list, Number(shown[shown.length - 1].id)) : null,
  };
}
