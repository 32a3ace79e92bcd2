import { z } from 'zod';
import { parseCentavos } from './amounts';
import { toUtcIso } from './timestamps';

type Leaf<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * A zod field from a plain parse function. It also runs for an absent key (`optional()`
 * first), so each parser decides what absence means and the output type has no
 * `undefined` in it.
 */
function leaf<T>(parse: (input: unknown) => Leaf<T>) {
  return z
    .unknown()
    .optional()
    .transform((input, ctx): T => {
      const result = parse(input);
      if (result.ok) return result.value;
      ctx.addIssue({ code: 'custom', message: result.message });
      return z.NEVER;
    });
}

const absent = (input: unknown): input is null | undefined => input === null || input === undefined;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The width of `payment_id` in the audit tables; a longer id can't be stored, so it's refused. */
export const MAX_ID_LENGTH = 128;

/** Ids arrive as strings or numbers; we keep them as strings. Blank counts as absent. */
function parseId(input: unknown): Leaf<string | null> {
  if (absent(input)) return { ok: true, value: null };
  if (typeof input === 'string' && input.trim().length > MAX_ID_LENGTH) {
    return { ok: false, message: `must be at most ${MAX_ID_LENGTH} characters` };
  }
  // Ids become Temporal workflow ids and database keys: both need well-formed text.
  if (typeof input === 'string' && (LONE_SURROGATE.test(input) || input.includes('\u0000'))) {
    return { ok: false, message: 'must be well-formed text without NUL characters' };
  }
  if (typeof input === 'string') return { ok: true, value: input.trim() || null };
  if (typeof input === 'number' && Number.isSafeInteger(input) && input >= 0) {
    return { ok: true, value: String(input) };
  }
  return { ok: false, message: 'must be a string or a whole number' };
}

/** Free text (names, e-mails, phones, links): kept as sent; blank counts as absent. */
function parseText(input: unknown): Leaf<string | null> {
  if (absent(input)) return { ok: true, value: null };
  if (typeof input === 'string') return { ok: true, value: input.trim() === '' ? null : input };
  if (typeof input === 'number' && Number.isFinite(input))
    return { ok: true, value: String(input) };
  return { ok: false, message: 'must be a string' };
}

/** Statuses and methods are words; a number or object there is a malformed delivery. */
function parseWord(input: unknown): Leaf<string | null> {
  if (absent(input)) return { ok: true, value: null };
  if (typeof input === 'string') return { ok: true, value: input.trim() === '' ? null : input };
  return { ok: false, message: 'must be a string' };
}

export const optionalId = leaf(parseId);

export const requiredId = leaf((input): Leaf<string> => {
  if (typeof input === 'string' && input.trim() === '')
    return { ok: false, message: 'must not be empty' };
  const id = parseId(input);
  if (id.ok && id.value === null) return { ok: false, message: 'is required' };
  return id as Leaf<string>;
});

export const optionalText = leaf(parseText);
export const optionalWord = leaf(parseWord);

export const requiredWord = leaf((input): Leaf<string> => {
  const word = parseWord(input);
  if (word.ok && word.value === null) return { ok: false, message: 'is required' };
  return word as Leaf<string>;
});

export const centavos = leaf(parseCentavos);

/** Never fails: an unreadable timestamp becomes null rather than a rejected delivery. */
export const timestamp = leaf((input) => ({ ok: true, value: toUtcIso(input) }));

/**
 * A nested object that may be absent or null. An empty JSON array is read as absent too:
 * PHP's json_encode writes an empty array as `[]` even where an object is meant.
 */
export function nested<S extends z.core.$ZodLooseShape>(shape: S) {
  return z
    .unknown()
    .optional()
    .transform((input) => (Array.isArray(input) && input.length === 0 ? null : input))
    .pipe(z.looseObject(shape).nullish());
}
