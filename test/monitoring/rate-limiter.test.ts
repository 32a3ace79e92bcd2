import { createRateLimiter } from '../../src/monitoring/rate-limiter';

describe('the rate limiter', () => {
  test('allows max uses in any window and says when the oldest one expires', () => {
    let now = 1_000_000;
    const limiter = createRateLimiter({ max: 3, windowMs: 60_000 }, () => now);

    const first = [
      limiter.take('a'),
      ((now += 10_000), limiter.take('a')),
      ((now += 10_000), limiter.take('a')),
    ];
    now += 5_000;
    const refused = limiter.take('a');
    const otherKey = limiter.take('b');
    now = 1_000_000 + 60_000;
    const afterOldestExpired = limiter.take('a');

    expect(first).toEqual([{ allowed: true }, { allowed: true }, { allowed: true }]);
    expect(refused).toEqual({ allowed: false, retryAfterMs: 35_000 });
    expect(otherKey).toEqual({ allowed: true });
    expect(afterOldestExpired).toEqual({ allowed: true });
  });

  test('refused attempts do not count against the limit', () => {
    let now = 0;
    const limiter = createRateLimiter({ max: 1, windowMs: 1_000 }, () => now);
    limiter.take('a');
    for (let i = 0; i < 10; i += 1) limiter.take('a');

    now = 1_001;

    expect(limiter.take('a')).toEqual({ allowed: true });
  });
});
