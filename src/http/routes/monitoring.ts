import Router from '@koa/router';
import type { Logger } from 'pino';
import type { RecipientPolicy } from '../../config';
import type { Db } from '../../db/connect';
import type { RateLimit } from '../../monitoring/rate-limiter';
import type { SmsSender } from '../../sms/sender';
import type { RecoveryClient } from '../../temporal/recovery-client';
import { requireApiToken } from '../auth';
import { eventRoutes } from './monitoring-events';
import { paymentRoutes } from './monitoring-payments';
import { statsRoutes } from './monitoring-stats';
import { suppressionRoutes } from './monitoring-suppressions';
import { testSmsRoutes } from './monitoring-test-sms';

export interface MonitoringRouteDeps {
  db: Db;
  recoveries: RecoveryClient;
  logger?: Logger;
  /** Bearer token of every monitoring endpoint; unset refuses them all. */
  apiToken?: string;
  /** For `test-sms`; without one it answers that Twilio is not configured. */
  sms?: SmsSender;
  /** The configured SMS template, for the default test message. */
  smsTemplate?: string;
  statusCallbackUrl?: string;
  /** Default http://localhost:8233 */
  temporalUiUrl?: string;
  /** Default `default` */
  namespace?: string;
  /** Default 5 a minute. */
  testSmsLimit?: RateLimit;
  /** ALLOWED_COUNTRIES for `test-sms`; unset: Brazil only. */
  recipients?: RecipientPolicy;
  /** How long the payment view waits for the workflow's state (default 3 s). */
  stateTimeoutMs?: number;
}

/** The monitoring endpoints, the test SMS and the suppression list, all behind the API token. */
export function monitoringRoutes(deps: MonitoringRouteDeps): Router {
  const router = new Router();
  const auth = requireApiToken(deps.apiToken);
  eventRoutes(router, auth, deps.db);
  paymentRoutes(router, auth, {
    db: deps.db,
    recoveries: deps.recoveries,
    temporalUiUrl: deps.temporalUiUrl ?? 'http://localhost:8233',
    namespace: deps.namespace ?? 'default',
    stateTimeoutMs: deps.stateTimeoutMs,
  });
  statsRoutes(router, auth, deps.db, deps.recoveries);
  testSmsRoutes(router, auth, deps);
  suppressionRoutes(router, auth, deps);
  return router;
}
