/**
 * Quiet hours in the customer's time zone, computed from the workflow's clock only.
 * Intl's time-zone data is part of the runtime, so the result replays identically.
 */
export interface QuietHours {
  /** Minutes after local midnight when the quiet window starts (22:00 → 1320). */
  startMinute: number;
  /** Minutes after local midnight when sending may resume (09:00 → 540). */
  endMinute: number;
  timeZone: string;
}

const MINUTE_MS = 60_000;
const DAY_MINUTES = 1_440;

function localMinuteOfDay(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(ms));
  const value = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return value('hour') * 60 + value('minute');
}

function inWindow(minute: number, { startMinute, endMinute }: QuietHours): boolean {
  if (startMinute === endMinute) return false;
  return startMinute < endMinute
    ? minute >= startMinute && minute < endMinute
    : minute >= startMinute || minute < endMinute; // the window crosses midnight
}

/** Signed minutes from `from` to `to` on a 24-hour clock, in (-720, 720]. */
function clockDistance(from: number, to: number): number {
  const forward = (to - from + DAY_MINUTES) % DAY_MINUTES;
  return forward > DAY_MINUTES / 2 ? forward - DAY_MINUTES : forward;
}

/**
 * When sending may resume, or null when `ms` is outside the quiet window. The first
 * guess assumes today's UTC offset; if a daylight-saving change happens during the night,
 * the local clock at the guess is off by the shift and one correction lands on the hour.
 */
export function quietHoursEnd(ms: number, quiet: QuietHours): number | null {
  const now = localMinuteOfDay(ms, quiet.timeZone);
  if (!inWindow(now, quiet)) return null;
  let candidate =
    ms - (ms % MINUTE_MS) + ((quiet.endMinute - now + DAY_MINUTES) % DAY_MINUTES) * MINUTE_MS;
  for (let i = 0; i < 2; i++) {
    const off = clockDistance(localMinuteOfDay(candidate, quiet.timeZone), quiet.endMinute);
    if (off === 0) break;
    candidate += off * MINUTE_MS;
  }
  return candidate;
}
