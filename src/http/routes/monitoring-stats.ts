import type Router from '@koa/router';
import type Koa from 'koa';
import type { Db } from '../../db/connect';
import { loadStats, type ClosedByHandSource } from '../../monitoring/stats';
import { statsWindow } from '../../monitoring/time-range';
import { routePaths } from '../openapi';
import { statsRoute } from '../schemas/monitoring';
import { parseQuery } from '../schemas/parse';

/** `stats/`. */
export function statsRoutes(
  router: Router,
  auth: Koa.Middleware,
  db: Db,
  temporal: ClosedByHandSource,
): void {
  router.get(routePaths(statsRoute), auth, async (ctx) => {
    const range = parseQuery(ctx, statsRoute.query);
    ctx.body = await loadStats(db, statsWindow(range, new Date()), temporal);
  });
}
