import { smsLags, smsPerSecond } from '../../bench/floor/lags';

const at = (iso: string) => Date.parse(iso);

test("each recipient's lag runs from its due instant to its first message; missing and repeated ones are counted", () => {
  const dueAt = new Map([
    ['+5511900000001', at('2026-11-30T08:00:00.000Z')],
    ['+5511900000002', at('2026-11-30T08:00:00.000Z')],
    ['+5511900000003', at('2026-11-30T08:00:01.000Z')],
  ]);
  const messages = [
    { to: '+5511900000002', receivedAt: '2026-11-30T08:00:00.250Z' },
    { to: '+5511900000001', receivedAt: '2026-11-30T08:00:01.500Z' },
    { to: '+5511900000002', receivedAt: '2026-11-30T08:00:02.000Z' },
    { to: '+5511999999999', receivedAt: '2026-11-30T08:00:02.000Z' },
  ];

  expect(smsLags(messages, dueAt)).toEqual({ lags: [1500, 250], missing: 1, duplicates: 1 });
});

test('SMS per second counts every message over the span from the first to the last', () => {
  const messages = ['08:00:00.000', '08:00:01.000', '08:00:02.000'].map((t) => ({
    to: '+5511900000001',
    receivedAt: `2026-11-30T${t}Z`,
  }));

  expect(smsPerSecond(messages)).toBe(1.5);
  expect(smsPerSecond(messages.slice(0, 1))).toBeNaN();
});
