import fc from 'fast-check';
import { formatDuration, parseDuration } from '../../src/config';

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['30s', 30_000],
    ['10m', 600_000],
    ['1h', 3_600_000],
    ['2d', 172_800_000],
    ['90000', 90_000],
    ['0', 0],
    [' 10m ', 600_000],
    ['10 m', 600_000],
    ['10M', 600_000],
    ['1H', 3_600_000],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    '',
    'soon',
    '1.5h',
    '-5s',
    '+5s',
    '10 minutes',
    '1w',
    'h',
    '1e3',
    '9007199254740993',
    '200000000000000d',
  ])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeNull();
  });

  it('rejects a number with too many digits to be exact, instead of returning Infinity', () => {
    expect(parseDuration('9'.repeat(400))).toBeNull();
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [250, '250ms'],
    [1_500, '1500ms'],
    [30_000, '30s'],
    [90_000, '90s'],
    [600_000, '10m'],
    [5_400_000, '90m'],
    [3_600_000, '1h'],
    [90_000_000, '25h'],
    [86_400_000, '1d'],
  ])('spells %d ms as %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('gives a spelling that parseDuration reads back as the same number of milliseconds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 ** 12 }),
        (ms) => parseDuration(formatDuration(ms)) === ms,
      ),
    );
  });
});
