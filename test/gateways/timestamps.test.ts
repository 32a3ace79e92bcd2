import { toUtcIso } from '../../src/gateways/timestamps';

describe('a gateway timestamp', () => {
  it.each([
    ['2024-05-01 09:30:00', '2024-05-01T12:30:00.000Z', 'without an offset is Brazil time (UTC−3)'],
    [
      '2024-05-01T09:30:00',
      '2024-05-01T12:30:00.000Z',
      'in ISO form without an offset is Brazil time too',
    ],
    [
      '2024-01-15 23:59:59',
      '2024-01-16T02:59:59.000Z',
      'in January is still UTC−3 (no DST since 2019)',
    ],
    ['2024-05-01T12:30:00Z', '2024-05-01T12:30:00.000Z', 'in UTC stays'],
    [
      '2024-05-01T09:30:00.123-03:00',
      '2024-05-01T12:30:00.123Z',
      'keeps milliseconds and its offset',
    ],
    ['2024-05-01T14:30:00+0200', '2024-05-01T12:30:00.000Z', 'accepts an offset without a colon'],
    ['2024-05-01 09:30', '2024-05-01T12:30:00.000Z', 'may leave out seconds'],
  ])('%j becomes %s (%s)', (input, expected) => {
    expect(toUtcIso(input)).toBe(expected);
  });

  it.each([
    [undefined],
    [null],
    [''],
    ['not a date'],
    ['2024-02-30 10:00:00'],
    ['2024-05-01 24:00:00'],
    ['2024-05-01'],
    [1714566600],
    ['2024-05-01T09:30:00+25:00'],
  ])('%j is unreadable and becomes null', (input) => {
    expect(toUtcIso(input)).toBeNull();
  });
});
