/**
 * `2024-05-01T12:00:00Z`, `2024-05-01T09:00:00-03:00`, `2024-05-01 09:00:00`, with an
 * optional fraction. Without an offset the gateways mean Brazil time (docs/gateways.md).
 */
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * America/Sao_Paulo is UTC−03:00 all year: Brazil abolished daylight saving time in 2019
 * (Decree 9,772/2019), so a fixed offset is exact for every timestamp since.
 */
const BRAZIL_OFFSET_MINUTES = -180;

/**
 * The gateway's timestamp as an ISO-8601 UTC string, or null when it is absent or
 * unreadable: a bad timestamp is not worth rejecting a payment update over.
 */
export function toUtcIso(input: unknown): string | null {
  if (typeof input !== 'string') return null;
  const m = TIMESTAMP.exec(input.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map((part) => Number(part ?? '0'));
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const offset = m[8] === undefined ? BRAZIL_OFFSET_MINUTES : offsetMinutes(m[8]);
  if (offset === null) return null;
  const wall = new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));
  if (!sameWallClock(wall, [y, mo, d, h, mi, s])) return null;
  return new Date(wall.getTime() - offset * 60_000).toISOString();
}

function offsetMinutes(text: string): number | null {
  if (text.toUpperCase() === 'Z') return 0;
  const digits = text.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2));
  if (hours > 14 || minutes > 59) return null;
  return (text.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

/** Date.UTC rolls `02-30` over into March; a round trip catches impossible dates. */
function sameWallClock(date: Date, parts: number[]): boolean {
  const actual = [
    date.getUTCFullYear(),
    date.getUTCMonth() + 1,
    date.getUTCDate(),
    date.getUTCHours(),
    date.getUTCMinutes(),
    date.getUTCSeconds(),
  ];
  return actual.every((value, i) => value === parts[i]);
}
