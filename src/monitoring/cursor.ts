/**
 * The monitoring lists' cursors. A cursor names only the last row's list and id; src/db's
 * keyset pages continue after that id (see src/db/pages.ts).
 */
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

/** The cursor of the page after one that ended at `nextAfter`; null on the last page. */
export function nextCursor(list: ListName, nextAfter: number | null): string | null {
  return nextAfter === null ? null : encodeCursor(list, nextAfter);
}
