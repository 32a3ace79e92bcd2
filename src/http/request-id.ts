import { randomUUID } from 'node:crypto';
import type Koa from 'koa';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** Every response carries an id that also appears in the logs; a caller's own id is kept if sane. */
export function requestId(): Koa.Middleware {
  return async (ctx, next) => {
    const incoming = ctx.get('x-request-id');
    const id = SAFE_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = id;
    ctx.set('X-Request-Id', id);
    await next();
  };
}
