import { FILTER_KEYS, type ListQuery } from './list-query';
import type { EmulatedMessage } from './types';

/**
 * Page tokens anchor on a message sid rather than an offset, so a page fetched while new
 * messages arrive neither repeats nor skips older ones: `PA<sid>` means "the page after
 * this message", `PB<sid>` "the page before it".
 */
const AFTER = 'PA';
const BEFORE = 'PB';

export interface PageWindow {
  items: EmulatedMessage[];
  /** Index of the first item within all matches. */
  start: number;
  hasNext: boolean;
}

/** [start, end) of the requested page within all matches, which are newest first. */
function bounds(matches: EmulatedMessage[], query: ListQuery): [number, number] {
  const { pageToken: token, pageSize } = query;
  if (token === null) return [query.page * pageSize, (query.page + 1) * pageSize];
  const anchor = matches.findIndex((m) => m.sid === token.slice(2));
  if (anchor === -1) return [matches.length, matches.length];
  if (token.startsWith(BEFORE)) return [Math.max(0, anchor - pageSize), anchor];
  return [anchor + 1, anchor + 1 + pageSize];
}

export function pageWindow(matches: EmulatedMessage[], query: ListQuery): PageWindow {
  const [start, end] = bounds(matches, query);
  return { items: matches.slice(start, end), start, hasNext: end < matches.length };
}

function pageUri(
  path: string,
  filters: URLSearchParams,
  query: ListQuery,
  page: number,
  token?: string,
) {
  const params = new URLSearchParams(filters);
  params.set('PageSize', String(query.pageSize));
  params.set('Page', String(page));
  if (token) params.set('PageToken', token);
  return `${path}?${params.toString()}`;
}

/** Only the filters carry over to the first, next and previous page links. */
function filtersOf(search: URLSearchParams): URLSearchParams {
  const filters = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = search.get(key);
    if (value !== null) filters.set(key, value);
  }
  return filters;
}

/** Twilio's v2010 list envelope; the `twilio` client follows `next_page_uri`. */
export function listEnvelope(
  path: string,
  search: URLSearchParams,
  query: ListQuery,
  window: PageWindow,
  resources: unknown[],
) {
  const filters = filtersOf(search);
  const { items, start } = window;
  const first = items[0];
  const last = items[items.length - 1];
  return {
    messages: resources,
    end: items.length > 0 ? start + items.length - 1 : start,
    first_page_uri: pageUri(path, filters, query, 0),
    next_page_uri:
      window.hasNext && last
        ? pageUri(path, filters, query, query.page + 1, AFTER + last.sid)
        : null,
    page: query.page,
    page_size: query.pageSize,
    previous_page_uri:
      start > 0 && first
        ? pageUri(path, filters, query, Math.max(0, query.page - 1), BEFORE + first.sid)
        : null,
    start,
    uri: search.toString() ? `${path}?${search.toString()}` : path,
  };
}
