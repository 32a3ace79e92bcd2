export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

export interface RateLimiter {
  /** Counts one use by `key` if the limit allows it. */
  take(key: string): RateDecision;
}

export interface RateLimit {
  max: number;
  windowMs: number;
}

/**
 * At most `max` uses per key in any `windowMs` (a sliding log, exact at these sizes).
 * In memory: each API process keeps its own count, which is enough to stop a runaway
 * script from texting someone a hundred times.
 */
export function createRateLimiter(limit: RateLimit, now: () => number = Date.now): RateLimiter {
  const uses = new Map<string, number[]>();
  return {
    take(key) {
      const at = now();
      const recent = (uses.get(key) ?? []).filter((t) => t > at - limit.windowMs);
      if (recent.length >= limit.max) {
        uses.set(key, recent);
        return { allowed: false, retryAfterMs: recent[0] + limit.windowMs - at };
      }
      recent.push(at);
      uses.set(key, recent);
      return { allowed: true };
    },
  };
}
