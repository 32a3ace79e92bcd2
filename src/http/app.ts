import Koa from 'koa';
import type { HealthCheck } from '../health';
import type { Logger } from '../logging';
import { errorHandler } from './errors';
import { requestId } from './request-id';
import { healthRoutes } from './routes/health';
import { webhookRoutes, type WebhookRouteDeps } from './routes/webhooks';

export interface AppDeps extends WebhookRouteDeps {
  health: HealthCheck;
  logger: Logger;
}

/** The HTTP app without a server, so tests drive `app.callback()` directly. */
export function createApp(deps: AppDeps): Koa {
  const app = new Koa();
  app.proxy = true;
  app.silent = true; // errors are logged once, by errorHandler
  app.use(requestId());
  app.use(accessLog(deps.logger));
  app.use(errorHandler(deps.logger));
  for (const router of [healthRoutes(deps.health), webhookRoutes(deps)]) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  return app;
}

function accessLog(logger: Logger): Koa.Middleware {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info(
        { requestId: ctx.state.requestId, method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(ms * 10) / 10 },
        'request',
      );
    }
  };
}
