import type Koa from 'koa';
import type { Logger } from '../logging';

export interface FieldIssue {
  path: string;
  message: string;
}

/** An error whose message is safe to show the client. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues?: FieldIssue[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** The one error shape of every endpoint: `{ error: { status, message, requestId, issues? } }`. */
export function errorHandler(logger: Logger): Koa.Middleware {
  return async (ctx, next) => {
    try {
      await next();
      // The routers answer an unknown path (404) or method (405, with `Allow`) by status
      // alone; without this, Koa would send them as plain text instead of the error shape.
      // A method no router knows (TRACE, CONNECT…) comes back as 501: to the client it is
      // just another method this path doesn't allow (RFC 9110 §15.5.6), or an unknown path.
      if (ctx.status === 501 && ctx.body === undefined) {
        ctx.status = ctx.response.get('Allow') ? 405 : 404;
      }
      if (ctx.status >= 400 && ctx.body === undefined) {
        throw new HttpError(ctx.status, ctx.status === 404 ? 'no such endpoint' : ctx.message);
      }
    } catch (err) {
      const known = toHttpError(err);
      if (known.status >= 500)
        logger.error({ err, requestId: ctx.state.requestId }, 'request failed');
      if (known.status === 499)
        logger.debug({ requestId: ctx.state.requestId }, 'client closed the request');
      ctx.status = known.status;
      for (const [name, value] of Object.entries(known.headers ?? {})) ctx.set(name, value);
      ctx.body = {
        error: {
          status: known.status,
          // 5xx details stay in the log; the client gets a generic message and the id.
          message:
            known.status >= 500 && !(err instanceof HttpError) ? 'internal error' : known.message,
          requestId: ctx.state.requestId as string | undefined,
          ...(known.issues ? { issues: known.issues } : {}),
        },
      };
    }
  };
}

function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  const e = err as { status?: unknown; expose?: unknown; message?: unknown };
  // Koa's own errors (e.g. ctx.throw) carry a status and say whether to expose them.
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && e.expose) {
    return new HttpError(e.status, String(e.message));
  }
  return new HttpError(500, 'internal error');
}
