import { z } from 'zod';
import { parseCentavos } from './amounts';
import { MAX_REAIS, reaisToCentavos } from './reais';
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

/** Characters in code points, as PostgreSQL's varchar and JSON Schema's maxLength count them. */
export const lengthOf = (text: string) => [...text].length;

/** Ids arrive as strings or numbers; we keep them as strings. Blank counts as absent. */
function parseId(input: unknown): Leaf<string | null> {
  if (absent(input)) return { ok: true, value: null };
  if (typeof input === 'string' && lengthOf(input) > MAX_ID_LENGTH) {
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

/** Statuses and methods are words; a number or object there is a malformed webhook. */
function parseWord(input: unknown): Leaf<string | null> {
  if (absent(input)) return { ok: true, value: null };
  if (typeof input === 'string') return { ok: true, value: input.trim() === '' ? null : input };
  return { ok: false, message: 'must be a string' };
}

// What each leaf accepts, in JSON Schema, for the OpenAPI document: the parse functions
// above are the rule, these state it exactly (a fuzzer checks both directions).
/** The characters JavaScript's `trim()` removes, as a regular-expression class body. */
export const TRIMMED =
  '\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';
/** Not blank as JavaScript's `trim()` sees it, and no NUL. */
const NOT_BLANK = `^[^\\u0000]*[^${TRIMMED}\\u0000][^\\u0000]*$`;
const WHOLE_NUMBER = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER };
const NULL = { type: 'null' };
const ID_TEXT = { type: 'string', maxLength: MAX_ID_LENGTH, pattern: '^[^\\u0000]*$' };
export const FILLED_ID = { anyOf: [{ ...ID_TEXT, pattern: NOT_BLANK }, WHOLE_NUMBER] };
export const FILLED_WORD = { type: 'string', pattern: `[^${TRIMMED}]` };

export const optionalId = leaf(parseId).meta({ anyOf: [ID_TEXT, WHOLE_NUMBER, NULL] });

export const requiredId = leaf((input): Leaf<string> => {
  if (typeof input === 'string' && input.trim() === '')
    return { ok: false, message: 'must not be empty' };
  const id = parseId(input);
  if (id.ok && id.value === null) return { ok: false, message: 'is required' };
  return id as Leaf<string>;
}).meta(FILLED_ID);

export const optionalText = leaf(parseText).meta({ type: ['string', 'number', 'null'] });
export const optionalWord = leaf(parseWord).meta({ type: ['string', 'null'] });

export const requiredWord = leaf((input): Leaf<string> => {
  const word = parseWord(input);
  if (word.ok && word.value === null) return { ok: false, message: 'is required' };
  return word as Leaf<string>;
}).meta(FILLED_WORD);

/** Integer centavos, or their digits as a string (blank counts as absent). */
export const centavos = leaf(parseCentavos).meta({
  anyOf: [
    WHOLE_NUMBER,
    { type: 'string', pattern: `^[${TRIMMED}]*([0-9]{1,15})?[${TRIMMED}]*$` },
    NULL,
  ],
});

/** A number of reais (Mercado Pago, Asaas), read as centavos rounded to the nearest one. */
export const reais = leaf(reaisToCentavos).meta({
  anyOf: [{ type: 'number', minimum: 0, maximum: MAX_REAIS }, NULL],
});

/** Never fails: an unreadable timestamp becomes null rather than a rejected webhook. */
export const timestamp = leaf((input) => ({ ok: true, value: toUtcIso(input) })).meta({
  description: 'Read when it is a date-time; anything else is kept in the raw body only',
});

/**
 * A timestamp only when it names its offset (`Z`, `-03:00`): for a gateway whose zone-less
 * times are not documented as Brazil time, a guess could move a recovery by hours.
 */
export const zonedTimestamp = leaf((input) => ({
  ok: true,
  value:
    typeof input === 'string' && /(Z|[+-]\d{2}:?\d{2})\s*$/i.test(input.trim())
      ? toUtcIso(input)
      : null,
})).meta({
  description:
    'Read when it is a date-time with an offset; anything else is kept in the raw body only',
});

/**
 * Unix seconds (Stripe's `created`) as an ISO-8601 UTC string; like `timestamp`, anything
 * else becomes null rather than a rejected webhook.
 */
export const unixSeconds = leaf((input) => ({
  ok: true,
  value:
    typeof input === 'number' && Number.isSafeInteger(input) && input >= 0 && input < 1e11
      ? new Date(input * 1000).toISOString()
      : null,
})).meta({
  description: 'Unix seconds; read when it is a whole number, else kept in the raw body only',
});

/** A list of words (Stripe's `payment_method_types`); anything else reads as absent. */
export const wordList = leaf((input) => ({
  ok: true,
  value: Array.isArray(input) && input.every((item) => typeof item === 'string') ? input : null,
})).meta({ description: 'A list of strings; anything else is kept in the raw body only' });

/**
 * A nested object that may be absent or null. An empty JSON array is read as absent too:
 * PHP's json_encode writes an empty array as `[]` even where an object is meant.
 */
export function nested<S extends z.core.$ZodLooseShape>(shape: S) {
  const object = z.looseObject(shape);
  return z
    .unknown()
    .optional()
    .transform((input) => (Array.isArray(input) && input.length === 0 ? null : input))
    .pipe(object.nullish())
    .meta({ anyOf: [inputJsonSchema(object), NULL, { type: 'array', maxItems: 0 }] });
}

export function inputJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  });
  return rest;
}

/**
 * JSON Schema for "a filled value at one of these paths": what `requireOneOf` checks, for
 * the OpenAPI document. `[['transaction', 'id'], ['id']]` reads "transaction.id or id".
 */
export function oneOfPaths(paths: readonly (readonly string[])[], filled: object) {
  const at = (path: readonly string[]): object =>
    path.length === 0
      ? filled
      : {
          type: 'object',
          required: [path[0]],
          properties: { [path[0]]: at(path.slice(1)) },
        };
  return { anyOf: paths.map(at) };
}
