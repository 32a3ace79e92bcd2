import type Koa from 'koa';
import type { z } from 'zod';
import { JSON_CONTENT_TYPE } from '../../domain/formats';
import { HttpError, type FieldIssue } from '../errors';
import { readRawBody } from '../raw-body';

/** Koa's query values are arrays when a key repeats; every parameter here takes one value. */
function repeatedKeys(query: Record<string, unknown>): FieldIssue[] {
  return Object.entries(query)
    .filter(([, value]) => Array.isArray(value))
    .map(([key]) => ({ path: key, message: 'given more than once' }));
}

function issuesOf(error: z.ZodError, prefix?: string): FieldIssue[] {
  return error.issues
    .map((issue) => {
      // An unknown query parameter is reported under its own name, not the object's.
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [''];
      return keys.map((key) => ({
        path: [prefix, ...issue.path.map(String), key].filter((p) => p).join('.') || '(root)',
        message: issue.code === 'unrecognized_keys' ? 'unknown parameter' : issue.message,
      }));
    })
    .flat();
}

/** Query parameters, or 400 naming each bad one. */
export function parseQuery<S extends z.ZodType>(ctx: Koa.Context, schema: S): z.output<S> {
  const query = ctx.query as Record<string, unknown>;
  const repeated = repeatedKeys(query);
  const parsed = schema.safeParse(query);
  if (repeated.length === 0 && parsed.success) return parsed.data;
  const issues = [...repeated, ...(parsed.success ? [] : issuesOf(parsed.error))];
  throw new HttpError(400, 'invalid query parameters', issues);
}

/** Path parameters, or 400 naming each bad one. */
export function parseParams<S extends z.ZodType>(ctx: Koa.Context, schema: S): z.output<S> {
  const parsed = schema.safeParse(ctx.params as Record<string, string>);
  if (parsed.success) return parsed.data;
  throw new HttpError(400, 'invalid path parameters', issuesOf(parsed.error));
}

/** A small JSON body: 415 for another type, 400 when it isn't JSON, 422 naming each bad field. */
export async function parseJsonBody<S extends z.ZodType>(
  ctx: Koa.Context,
  schema: S,
  limitBytes: number,
): Promise<z.output<S>> {
  if (!JSON_CONTENT_TYPE.test(ctx.get('content-type')))
    throw new HttpError(415, 'expected Content-Type: application/json');
  const raw = await readRawBody(ctx, limitBytes);
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder('utf-8').decode(raw));
  } catch {
    throw new HttpError(400, 'body is not valid JSON');
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new HttpError(422, 'invalid request body', issuesOf(parsed.error));
}
