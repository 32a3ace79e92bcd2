import { parseDateBound, type DateBound } from './dates';
import { apiErrors } from './errors';
import type { EmulatedMessage } from './types';

/**
 * The list filters the `twilio` client sends: `to`, `from`, and `dateSent`,
 * `dateSentBefore`, `dateSentAfter` as the query keys `DateSent`, `DateSent<`, `DateSent>`.
 */
export const FILTER_KEYS = ['To', 'From', 'DateSent', 'DateSent<', 'DateSent>'] as const;

export interface ListQuery {
  to: string | null;
  from: string | null;
  sentOn: DateBound | null;
  sentOnOrBefore: DateBound | null;
  sentOnOrAfter: DateBound | null;
  pageSize: number;
  page: number;
  pageToken: string | null;
}

/** The contract's bounds: 50 by default, at most 1000. Out-of-range sizes are clamped. */
function parsePageSize(raw: string | null): number {
  const size = Number(raw);
  if (raw === null || !Number.isInteger(size) || size < 1) return 50;
  return Math.min(size, 1000);
}

function parsePage(raw: string | null): number {
  const page = Number(raw);
  return raw !== null && Number.isInteger(page) && page >= 0 ? page : 0;
}

function dateFilter(query: URLSearchParams, key: string): DateBound | null {
  const raw = query.get(key);
  if (raw === null || raw === '') return null;
  const bound = parseDateBound(raw);
  if (bound === null) throw apiErrors.invalidFilter(key, raw);
  return bound;
}

export function parseListQuery(query: URLSearchParams): ListQuery {
  return {
    to: query.get('To') || null,
    from: query.get('From') || null,
    sentOn: dateFilter(query, 'DateSent'),
    sentOnOrBefore: dateFilter(query, 'DateSent<'),
    sentOnOrAfter: dateFilter(query, 'DateSent>'),
    pageSize: parsePageSize(query.get('PageSize')),
    page: parsePage(query.get('Page')),
    pageToken: query.get('PageToken') || null,
  };
}

/** Twilio compares sent dates at whole seconds, the precision it reports them in. */
function sentSecond(message: EmulatedMessage): number | null {
  return message.dateSent && Math.floor(message.dateSent.getTime() / 1000) * 1000;
}

function matchesDates(message: EmulatedMessage, query: ListQuery): boolean {
  if (!query.sentOn && !query.sentOnOrBefore && !query.sentOnOrAfter) return true;
  const sent = sentSecond(message);
  if (sent === null) return false;
  if (query.sentOn && (sent < query.sentOn.from || sent > query.sentOn.to)) return false;
  if (query.sentOnOrBefore && sent > query.sentOnOrBefore.to) return false;
  return !(query.sentOnOrAfter && sent < query.sentOnOrAfter.from);
}

export function matchesQuery(message: EmulatedMessage, query: ListQuery): boolean {
  if (query.to !== null && message.to !== query.to) return false;
  if (query.from !== null && message.from !== query.from) return false;
  return matchesDates(message, query);
}
