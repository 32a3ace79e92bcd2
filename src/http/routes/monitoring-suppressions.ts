import type Router from '@koa/router';
import type Koa from 'koa';
import type { Logger } from 'pino';
import type { Db } from '../../db/connect';
import { findSuppression, suppress, unsuppress } from '../../db/suppressions';
import { maskPhone } from '../../domain/phone';
import { listSuppressions, suppressionView } from '../../monitoring/suppressions';
import { HttpError } from '../errors';
import { routePaths } from '../openapi';
import {
  addSuppressionRoute,
  getSuppressionRoute,
  listSuppressionsRoute,
  lookUpSuppressionRoute,
  removeSuppressionRoute,
} from '../schemas/suppressions';
import { parseJsonBody, parseParams, parseQuery } from '../schemas/parse';

// Room for the longest note in escaped non-ASCII (12 bytes a character in JSON).
const MAX_BODY_BYTES = 16 * 1024;

/** `suppressions/`: the numbers never messaged, to read, add to and remove from. */
export function suppressionRoutes(
  router: Router,
  auth: Koa.Middleware,
  deps: { db: Db; logger?: Logger },
): void {
  const { db } = deps;

  router.get(routePaths(listSuppressionsRoute), auth, async (ctx) => {
    const q = parseQuery(ctx, listSuppressionsRoute.query);
    ctx.body = await listSuppressions(
      db,
      { reason: q.reason },
      { limit: q.limit, after: q.cursor },
    );
  });

  router.post(routePaths(addSuppressionRoute), auth, async (ctx) => {
    const body = await parseJsonBody(ctx, addSuppressionRoute.body.schema, MAX_BODY_BYTES);
    const added = await suppress(db, body.phone_number, 'manual', body.note);
    const entry = await findSuppression(db, { phone_e164: body.phone_number });
    // Removed again between the two statements: as if this request had come first.
    if (!entry) throw new HttpError(409, 'the number was removed meanwhile; try again');
    if (added)
      deps.logger?.info({ to: maskPhone(entry.phoneE164) }, 'number suppressed by an operator');
    ctx.status = added ? 201 : 200;
    ctx.body = suppressionView(entry, 'full');
  });

  router.post(routePaths(lookUpSuppressionRoute), auth, async (ctx) => {
    const body = await parseJsonBody(ctx, lookUpSuppressionRoute.body.schema, MAX_BODY_BYTES);
    const entry = await findSuppression(db, { phone_e164: body.phone_number });
    if (!entry) throw new HttpError(404, 'the number is not suppressed');
    ctx.body = suppressionView(entry, 'full');
  });

  router.get(routePaths(getSuppressionRoute), auth, async (ctx) => {
    const { id } = parseParams(ctx, getSuppressionRoute.params);
    const entry = await findSuppression(db, { id });
    if (!entry) throw new HttpError(404, `no suppression ${id}`);
    ctx.body = suppressionView(entry, 'full');
  });

  router.delete(routePaths(removeSuppressionRoute), auth, async (ctx) => {
    const { id } = parseParams(ctx, removeSuppressionRoute.params);
    const entry = await unsuppress(db, { id });
    if (!entry) throw new HttpError(404, `no suppression ${id}`);
    deps.logger?.warn(
      { to: maskPhone(entry.phoneE164), reason: entry.reason, requestId: ctx.state.requestId },
      'number removed from the suppression list by an operator',
    );
    ctx.body = suppressionView(entry, 'full');
  });
}
