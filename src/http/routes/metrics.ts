import Router from '@koa/router';
import type { Metrics } from '../../metrics/metrics';

/**
 * Prometheus text, unauthenticated like health so scrapers need no secret: only counts,
 * timings and labels from fixed vocabularies (gateway, status, outcome, Twilio error
 * code), never a payment id, phone number or host.
 */
export function metricsRoutes(metrics: Metrics): Router {
  const router = new Router();
  router.get('/metrics', async (ctx) => {
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  });
  return router;
}
