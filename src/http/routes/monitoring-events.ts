import type Router from '@koa/router';
import type Koa from 'koa';
import type { Db } from '../../db/connect';
import { listEvents, loadEvent } from '../../monitoring/events';
import { listSms } from '../../monitoring/sms-logs';
import { HttpError } from '../errors';
import { routePaths } from '../openapi';
import { getEventRoute, listEventsRoute, listSmsRoute } from '../schemas/monitoring';
import { parseParams, parseQuery } from '../schemas/parse';

/** `events/`, `events/{id}/` and `sms-logs/`. */
export function eventRoutes(router: Router, auth: Koa.Middleware, db: Db): void {
  router.get(routePaths(listEventsRoute), auth, async (ctx) => {
    const q = parseQuery(ctx, listEventsRoute.query);
    const filters = {
      gateway: q.gateway,
      paymentId: q.payment_id,
      paymentMethod: q.payment_method,
      paymentStatus: q.payment_status,
      from: q.from,
      to: q.to,
    };
    ctx.body = await listEvents(db, filters, { limit: q.limit, after: q.cursor });
  });

  router.get(routePaths(getEventRoute), auth, async (ctx) => {
    const { id } = parseParams(ctx, getEventRoute.params);
    const event = await loadEvent(db, id);
    if (!event) throw new HttpError(404, `no webhook event ${id}`);
    ctx.body = event;
  });

  router.get(routePaths(listSmsRoute), auth, async (ctx) => {
    const q = parseQuery(ctx, listSmsRoute.query);
    const filters = { status: q.status, paymentId: q.payment_id, from: q.from, to: q.to };
    ctx.body = await listSms(db, filters, { limit: q.limit, after: q.cursor });
  });
}
