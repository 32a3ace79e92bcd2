import type Koa from 'koa';
import Router from '@koa/router';
import type { Db } from '../../db/connect';
import { STATUS_CALLBACK_PATH } from '../../sms-status/callback-url';
import { recordStatusCallback } from '../../sms-status/record-status';
import { parseStatusCallback } from '../../sms-status/status-callback';
import type { Logger } from '../../logging';
import type { Metrics } from '../../metrics/metrics';
import { HttpError } from '../errors';
import { readTwilioForm, verifyTwilioSignature } from '../twilio-form';

export interface TwilioCallbackSettings {
  authToken: string;
  /** This service's public base URL (PUBLIC_URL): Twilio signs the URL it called. */
  publicUrl: string;
  /** How long a callback for a SID not recorded yet waits for the SMS activity's write. */
  unknownSidWaitMs?: number;
}

export interface TwilioStatusRouteDeps {
  db: Db;
  logger: Logger;
  /** Absent when Twilio or PUBLIC_URL isn't configured: every callback is then refused. */
  twilioCallbacks?: TwilioCallbackSettings;
  metrics?: Metrics;
}

/** A status callback is a dozen short fields. */
const MAX_CALLBACK_BYTES = 64 * 1024;

export function twilioStatusRoutes(deps: TwilioStatusRouteDeps): Router {
  const router = new Router();
  const path = STATUS_CALLBACK_PATH;
  router.post([path, path.replace(/\/$/, '')], async (ctx) => {
    try {
      ctx.body = { recorded: await handleCallback(ctx, deps) };
    } catch (err) {
      if (err instanceof HttpError) deps.metrics?.statusCallbacks.inc({ result: 'rejected' });
      throw err;
    }
  });
  return router;
}

/** Verified first, parsed second: an unsigned request learns nothing about our rows. */
async function handleCallback(ctx: Koa.Context, deps: TwilioStatusRouteDeps): Promise<boolean> {
  const settings = deps.twilioCallbacks;
  if (!settings) throw new HttpError(403, 'Twilio status callbacks are not configured here');
  const params = await readTwilioForm(ctx, MAX_CALLBACK_BYTES);
  verifyTwilioSignature(ctx, settings, params, deps.logger);
  const parsed = parseStatusCallback(params);
  if (!parsed.ok) throw new HttpError(422, 'not a valid Twilio status callback', parsed.issues);
  if (!parsed.report) {
    deps.metrics?.statusCallbacks.inc({ result: 'untracked_status' });
    return false;
  }
  const result = await recordStatusCallback(deps.db, parsed.report, settings.unknownSidWaitMs);
  deps.metrics?.statusCallbacks.inc({ result });
  if (result === 'unknown_sid')
    deps.logger.warn({ sid: parsed.report.sid }, 'status callback for a message we did not send');
  return result === 'recorded';
}
