import { z } from 'zod';
import { decodeCursor, type ListName } from '../../monitoring/cursor';

export const MAX_PAGE_SIZE = 200;

export const limitParam = z.coerce
  .number<string>()
  .int()
  .min(1)
  .max(MAX_PAGE_SIZE)
  .default(50)
  .meta({ description: `Items per page, 1 to ${MAX_PAGE_SIZE}` });

/** The opaque `next` of the previous page, turned back into the id it continues after. */
export function cursorParam(list: ListName) {
  return z
    .string()
    .meta({ description: 'The `next` value of the previous page' })
    .transform((text, ctx) => {
      const id = decodeCursor(list, text);
      if (id === null)
        ctx.addIssue({ code: 'custom', message: `not a cursor of this list (${list})` });
      return id ?? z.NEVER;
    });
}

const ISO_INSTANT = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);

/** An instant for `from`/`to`: a date-time with `Z` or an offset, or a bare date (UTC midnight). */
export const instantParam = z
  .string()
  .meta({
    description:
      'ISO-8601: a date-time with Z or an offset (2026-11-28T21:30:00-03:00), or a date (UTC midnight)',
    examples: ['2026-11-28T21:30:00Z'],
  })
  .transform((text, ctx) => {
    const at = ISO_INSTANT.safeParse(text).success ? new Date(text) : null;
    if (at === null || Number.isNaN(at.getTime())) {
      ctx.addIssue({
        code: 'custom',
        message: 'expected ISO-8601, e.g. 2026-11-28T21:30:00Z or 2026-11-28',
      });
      return z.NEVER;
    }
    return at;
  });

/** PostgreSQL text can't hold NUL: refused at the edge rather than failing the query. */
export const withoutNul = (text: string) => !text.includes('\0');
export const NUL_MESSAGE = 'must not contain NUL characters';

/** Free text compared for equality. */
export function textParam(max: number) {
  return z.string().min(1).max(max).refine(withoutNul, NUL_MESSAGE);
}

/** `from` before `to`, when both are given. */
export function orderedRange(range: { from?: Date; to?: Date }, ctx: z.RefinementCtx): void {
  if (range.from && range.to && range.from >= range.to) {
    ctx.addIssue({ code: 'custom', path: ['from'], message: 'must be before `to`' });
  }
}
