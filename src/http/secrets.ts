import { createHash, timingSafeEqual } from 'node:crypto';

/** Constant-time comparison; hashing first makes lengths equal so length doesn't leak either. */
export function secretsMatch(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
