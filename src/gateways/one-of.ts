import type { z } from 'zod';

type Path = readonly string[];

/**
 * Requires a string at one of several alternative paths (TriboPay's payment id can sit in
 * four places). Registered with `when` so it runs even when other fields failed, and a 422
 * lists every problem at once; it stays quiet when an alternative already has its own
 * issue, so one mistake is not reported twice.
 */
export function requireOneOf(paths: readonly Path[], message: string) {
  const check = (value: unknown, ctx: z.RefinementCtx) => {
    if (paths.some((path) => typeof valueAt(value, path) === 'string')) return;
    ctx.addIssue({ code: 'custom', path: [...paths[0]], message });
  };
  const when = (payload: z.core.ParsePayload) =>
    !payload.issues.some((issue) => paths.some((path) => overlaps(issue.path ?? [], path)));
  return [check, { when }] as const;
}

function valueAt(value: unknown, path: Path): unknown {
  return path.reduce<unknown>(
    (node, key) =>
      node !== null && typeof node === 'object'
        ? (node as Record<string, unknown>)[key]
        : undefined,
    value,
  );
}

/** True when one path is a prefix of the other: an issue at `transaction` covers `transaction.id`. */
function overlaps(a: readonly PropertyKey[], b: Path): boolean {
  const n = Math.min(a.length, b.length);
  return a.slice(0, n).every((key, i) => key === b[i]);
}
