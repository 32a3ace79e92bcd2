import { z } from 'zod';
import { lengthOf, TRIMMED } from '../../gateways/fields';
import { cursorPattern, decodeCursor, type ListName } from '../../monitoring/cursor';

export const MAX_PAGE_SIZE = 200;

export const limitParam = z.coerce
  .number<string>()
  .int()
  .min(1)
  .max(MAX_PAGE_SIZE)
  .default(50)
  .meta({ description: `Items per page, 1 to ${MAX_PAGE_SIZE}`, inputExamples: [50] });

/** The opaque `next` of the previous page, turned back into the id it continues after. */
export function cursorParam(list: ListName) {
  return z
    .string()
    .regex(new RegExp(cursorPattern(list)), `not a cursor of this list (${list})`)
    .meta({ description: 'The `next` value of the previous page', examples: [`${list}.42`] })
    .transform((text) => decodeCursor(list, text) as number);
}

const ISO_INSTANT = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);

/**
 * An instant for `from`/`to`: an RFC 3339 date-time (`Z` or an offset), or a bare date (UTC
 * midnight). RFC 3339 lets `T` and `Z` be lower case; JavaScript's parser wants them upper.
 */
export const instantParam = z
  .string()
  .meta({
    description:
      'ISO-8601: a date-time with Z or an offset (2026-11-28T21:30:00-03:00), or a date (UTC midnight)',
    anyOf: [{ format: 'date-time' }, { format: 'date' }],
    examples: ['2026-11-28T21:30:00Z'],
  })
  .transform((given, ctx) => {
    const text = given.toUpperCase();
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

/** Free text compared for equality: 1 to `max` characters, no NUL. */
export function textParam(max: number) {
  return z
    .string()
    .refine(
      (text) => lengthOf(text) >= 1 && lengthOf(text) <= max,
      `must be 1 to ${max} characters`,
    )
    .refine(withoutNul, NUL_MESSAGE)
    .meta({ minLength: 1, maxLength: max, pattern: '^[^\\u0000]*$', inputExamples: ['tp-1001'] });
}

/** Free text kept trimmed: not blank, at most `max` characters as sent, no NUL. */
export function filledText(max: number) {
  return z
    .string()
    .refine((text) => lengthOf(text) <= max, `must be at most ${max} characters`)
    .refine((text) => text.trim() !== '', 'must not be blank')
    .refine(withoutNul, NUL_MESSAGE)
    .transform((text) => text.trim())
    .meta({ maxLength: max, pattern: `^[^\\u0000]*[^${TRIMMED}\\u0000][^\\u0000]*$` });
}

/**
 * Brazilian mobiles in E.164, the area codes Anatel assigns (a mobile is 9 and 8 digits):
 * every number this pattern admits is one libphonenumber accepts as a mobile. The API
 * takes more spellings than that (national, with punctuation); the document states the
 * canonical one.
 */
export const BRAZILIAN_MOBILE =
  '^\\+55(1[1-9]|2[12478]|3[1-578]|4[1-9]|5[1345]|6[1-9]|7[134579]|8[1-9]|9[1-9])9[0-9]{8}$';
