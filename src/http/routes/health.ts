import Router from '@koa/router';
import type Koa from 'koa';
import type { HealthCheck } from '../../health';
import { VERSION } from '../../version';
import { routePaths } from '../openapi';
import { LEGACY_HEALTH_ROUTE, LIVEZ_ROUTE, READYZ_ROUTE } from '../schemas/intake';

/**
 * Unauthenticated on purpose (orchestrators, load balancers); they reveal no secrets.
 * `/livez`: the process answers (restart it when not). `/readyz`: the database, Temporal
 * and a polling worker answer (send it traffic only then). The old health path is `/readyz`.
 */
export function healthRoutes(check: HealthCheck): Router {
  const router = new Router();
  router.get(routePaths(LIVEZ_ROUTE), async (ctx) => {
    ctx.body = { status: 'ok', ...identity() };
  });
  const ready: Koa.Middleware = async (ctx) => {
    const report = await check();
    ctx.status = report.ok ? 200 : 503;
    ctx.body = {
      status: report.ok ? 'ok' : 'unavailable',
      ...identity(),
      database: report.database,
      temporal: report.temporal,
      worker: report.worker,
      outbox: report.outbox,
    };
  };
  router.get(routePaths(READYZ_ROUTE), ready);
  router.get(routePaths(LEGACY_HEALTH_ROUTE), ready);
  return router;
}

function identity() {
  return { version: VERSION, uptimeSeconds: Math.floor(process.uptime()) };
}
