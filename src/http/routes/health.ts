import Router from '@koa/router';
import type { HealthCheck } from '../../health';

/** Unauthenticated on purpose (load balancers, compose health checks); it reveals no secrets. */
export function healthRoutes(check: HealthCheck): Router {
  const router = new Router();
  router.get(['/api/webhooks/health', '/api/webhooks/health/'], async (ctx) => {
    const report = await check();
    ctx.status = report.ok ? 200 : 503;
    ctx.body = {
      status: report.ok ? 'ok' : 'unavailable',
      database: report.database,
      temporal: report.temporal,
      worker: report.worker,
    };
  });
  return router;
}
