import type Koa from 'koa';
import Router from '@koa/router';
import twilio from 'twilio';
import type { Db } from '../../db/connect';
import { calledUrl, STATUS_CALLBACK_PATH } from '../../delivery/callback-url';
import { recordStatusCallback } from '../../delivery/record-status';
import { parseStatusCallback } from '../../delivery/status-callback';
import type { Logger } from '../../logging';
import type { Metrics } from '../../metrics/metrics';
import { HttpError } from '../errors';
import { readRawBody } from '../raw-body';

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

const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;
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
  const params = await readForm(ctx);
  verifySignature(ctx, settings, params, deps.logger);
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

async function readForm(ctx: Koa.Context): Promise<Record<string, string | string[]>> {
  if (!FORM_TYPE.test(ctx.get('content-type'))) {
    throw new HttpError(415, 'expected Content-Type: application/x-www-form-urlencoded');
  }
  const form = new URLSearchParams((await readRawBody(ctx, MAX_CALLBACK_BYTES)).toString('utf8'));
  const fields = new Map<string, string[]>();
  for (const [name, value] of form) fields.set(name, [...(fields.get(name) ?? []), value]);
  // Repeated fields stay lists: Twilio signs each value of a repeated field.
  return Object.fromEntries(
    [...fields].map(([name, values]) => [name, values.length === 1 ? values[0] : values]),
  );
}

/** HMAC-SHA1 of the called URL and the sorted fields, keyed with the auth token (X-Twilio-Signature). */
function verifySignature(
  ctx: Koa.Context,
  settings: TwilioCallbackSettings,
  params: Record<string, string | string[]>,
  logger: Logger,
): void {
  const signature = ctx.get('x-twilio-signature');
  if (!signature) throw new HttpError(403, 'missing X-Twilio-Signature');
  const url = calledUrl(settings.publicUrl, ctx.originalUrl);
  if (!twilio.validateRequest(settings.authToken, signature, url, params)) {
    // Every real callback failing here usually means PUBLIC_URL isn't the URL Twilio calls.
    logger.warn(
      { requestId: ctx.state.requestId as unknown, url },
      'Twilio signature does not match',
    );
    throw new HttpError(403, 'invalid Twilio signature');
  }
}
