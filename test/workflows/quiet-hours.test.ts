import { quietHoursEnd, type QuietHours } from '../../workflows/quiet-hours';

const saoPaulo: QuietHours = {
  startMinute: 22 * 60,
  endMinute: 9 * 60,
  timeZone: 'America/Sao_Paulo',
};
const newYork: QuietHours = { ...saoPaulo, timeZone: 'America/New_York' };
const at = (iso: string) => Date.parse(iso);

describe('quiet hours', () => {
  test.each([
    ['midday in São Paulo is outside the window', '2026-11-30T15:00:00Z', null],
    ['21:59 in São Paulo is still allowed', '2026-11-30T00:59:00Z', null],
    [
      '22:00 in São Paulo waits for 09:00 the next morning',
      '2026-12-01T01:00:00Z',
      '2026-12-01T12:00:00.000Z',
    ],
    [
      '23:30 crosses midnight and waits for 09:00',
      '2026-12-01T02:30:00Z',
      '2026-12-01T12:00:00.000Z',
    ],
    ['03:00 waits for 09:00 the same morning', '2026-12-01T06:00:00Z', '2026-12-01T12:00:00.000Z'],
    ['08:59 waits one minute', '2026-12-01T11:59:00Z', '2026-12-01T12:00:00.000Z'],
    ['09:00 exactly is allowed', '2026-12-01T12:00:00Z', null],
  ])('%s', (_name, now, expected) => {
    const end = quietHoursEnd(at(now), saoPaulo);
    expect(end === null ? null : new Date(end).toISOString()).toBe(expected);
  });

  test('a night when the clocks spring forward still resumes at 09:00 local time', () => {
    // New York moved from UTC−5 to UTC−4 at 02:00 on 2026-03-08: 09:00 is 13:00 UTC, not 14:00.
    expect(new Date(quietHoursEnd(at('2026-03-08T04:00:00Z'), newYork)!).toISOString()).toBe(
      '2026-03-08T13:00:00.000Z',
    );
  });

  test('a night when the clocks fall back still resumes at 09:00 local time', () => {
    // New York moved from UTC−4 to UTC−5 at 02:00 on 2026-11-01: 09:00 is 14:00 UTC.
    expect(new Date(quietHoursEnd(at('2026-11-01T03:00:00Z'), newYork)!).toISOString()).toBe(
      '2026-11-01T14:00:00.000Z',
    );
  });

  test('a window that does not cross midnight holds only inside it', () => {
    const lunch: QuietHours = { startMinute: 12 * 60, endMinute: 14 * 60, timeZone: 'UTC' };
    expect(quietHoursEnd(at('2026-12-01T11:00:00Z'), lunch)).toBeNull();
    expect(new Date(quietHoursEnd(at('2026-12-01T12:30:00Z'), lunch)!).toISOString()).toBe(
      '2026-12-01T14:00:00.000Z',
    );
  });
});
