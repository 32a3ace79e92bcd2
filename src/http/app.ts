import Koa from 'koa';
import type { HealthCheck } from '../health';
import type { Logger } from '../logging';
import { createOutboxRelay } from '../intake/outbox-relay';
import { registerClosedByHandGauge } from '../metrics/audit-gauges';
import { createMetrics } from '../metrics/metrics';
import { allowedMethods } from './allow';
import { errorHandler, HttpError } from './errors';
import { apiDocsRoutes } from './routes/api-docs';
import { requestId } from './request-id';
import { codecRoutes, type CodecRouteDeps } from './routes/codec';
import { healthRoutes } from './routes/health';
import { metricsRoutes } from './routes/metrics';
import { monitoringRoutes, type MonitoringRouteDeps } from './routes/monitoring';
import { openApiRoutes } from './routes/openapi';
import { privacyRoutes, type PrivacyRouteDeps } from './routes/privacy';
import { twilioInboundRoutes, type TwilioInboundRouteDeps } from './routes/twilio-inbound';
import { twilioStatusRoutes, type TwilioStatusRouteDeps } from './routes/twilio-status';
import { webhookRoutes, type WebhookRouteDeps } from './routes/webhooks';
import { ROUTE_DOCS } from './schemas';

export interface AppDeps
  extends
    WebhookRouteDeps,
    TwilioStatusRouteDeps,
    TwilioInboundRouteDeps,
    MonitoringRouteDeps,
    PrivacyRouteDeps {
  health: HealthCheck;
  logger: Logger;
  /** Temporal's codec server, for operators holding a token (absent: not served). */
  codecServer?: Omit<CodecRouteDeps, 'logger'>;
}

/** The HTTP app without a server, so tests drive `app.callback()` directly. */
export function createApp(deps: AppDeps): Koa {
  const app = new Koa();
  app.proxy = true;
  app.silent = true; // errors are logged once, by errorHandler
  app.use(requestId());
  app.use(accessLog(deps.logger));
  app.use(errorHandler(deps.logger));
  app.use(originFormOnly());
  // Temporal's codec-server contract, outside the documented API (its own methods and CORS).
  if (deps.codecServer) app.use(codecRoutes({ ...deps.codecServer, logger: deps.logger }));
  app.use(allowedMethods(ROUTE_DOCS));
  // Without metrics of its own, the app still serves /metrics, read from its database.
  const metrics = deps.metrics ?? createMetrics({ audit: { db: deps.db, logger: deps.logger } });
  registerClosedByHandGauge(metrics.registry, () => deps.recoveries.closedByHand(), {
    logger: deps.logger,
  });
  // Without a relay of its own (tests, the bench), the app hands its rows off itself and
  // sweeps only when told a row is free; a process that serves webhooks starts a sweeper.
  const relay =
    deps.relay ??
    createOutboxRelay({ db: deps.db, recoveries: deps.recoveries, logger: deps.logger });
  const routed = { ...deps, metrics, relay };
  const routers = [
    healthRoutes(deps.health),
    webhookRoutes(routed),
    twilioStatusRoutes(routed),
    twilioInboundRoutes(routed),
    metricsRoutes(metrics),
  ];
  // Every route is listed in ROUTE_DOCS too; test/http/openapi.test.ts holds the two together.
  routers.push(
    monitoringRoutes(deps),
    privacyRoutes(deps),
    openApiRoutes(ROUTE_DOCS),
    apiDocsRoutes(),
  );
  for (const router of routers) {
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
        {
          requestId: ctx.state.requestId,
          method: ctx.method,
          path: ctx.path,
          status: ctx.status,
          ms: Math.round(ms * 10) / 10,
        },
        'request',
      );
    }
  };
}

/**
 * Only origin-form targets (`/path?query`, RFC 9112 §3.2.1) reach the routes: absolute form
 * (`POST http://host/path`) is for proxies, and a target no URL parser accepts is the
 * client's mistake. Both are a 400, never a crash deeper in.
 */
function originFormOnly(): Koa.Middleware {
  return async (ctx, next) => {
    const target = ctx.req.url ?? '';
    if (!target.startsWith('/') || target.startsWith('//') || !URL.canParse(target, 'http://h')) {
      throw new HttpError(400, 'the request target must be a path such as /api/webhooks/tribopay/');
    }
    await next();
  };
}
