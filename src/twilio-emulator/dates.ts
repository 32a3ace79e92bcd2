/**
 * Twilio's v2010 API writes dates as RFC 2822 in UTC ("Tue, 05 Mar 2024 14:07:09 +0000");
 * the `twilio` client parses exactly that pattern back into a Date.
 */
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const two = (n: number) => String(n).padStart(2, '0');

export function toRfc2822(date: Date): string {
  const day = `${DAYS[date.getUTCDay()]}, ${two(date.getUTCDate())}`;
  const month = `${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
  const time = `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
  return `${day} ${month} ${time} +0000`;
}

/** A DateSent filter value: a whole UTC day, or one instant (second precision). */
export interface DateBound {
  /** Inclusive, milliseconds since the epoch. */
  from: number;
  /** Inclusive, milliseconds since the epoch. */
  to: number;
}

const DAY_MS = 86_400_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Twilio documents `YYYY-MM-DD`; the `twilio` client sends `YYYY-MM-DDTHH:mm:ssZ` when
 * given a Date. Accept both, and treat a datetime as the whole second it names.
 */
export function parseDateBound(value: string): DateBound | null {
  const ms = Date.parse(DATE_ONLY.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(ms)) return null;
  if (DATE_ONLY.test(value)) return { from: ms, to: ms + DAY_MS - 1 };
  const second = Math.floor(ms / 1000) * 1000;
  return { from: second, to: second + 999 };
}
