import type Koa from 'koa';
import twilio from 'twilio';
import { FORM_CONTENT_TYPE } from '../domain/formats';
import { calledUrl } from '../sms-status/callback-url';
import type { Logger } from '../logging';
import { HttpError } from './errors';
import { readRawBody } from './raw-body';
import type { TwilioCallbackSettings } from './routes/twilio-status';

/** What Twilio posts to our webhooks: status callbacks and inbound replies. */

export async function readTwilioForm(
  ctx: Koa.Context,
  maxBytes: number,
): Promise<Record<string, string | string[]>> {
  if (!FORM_CONTENT_TYPE.test(ctx.get('content-type'))) {
    throw new HttpError(415, 'expected Content-Type: application/x-www-form-urlencoded');
  }
  const form = new URLSearchParams((await readRawBody(ctx, maxBytes)).toString('utf8'));
  const fields = new Map<string, string[]>();
  for (const [name, value] of form) fields.set(name, [...(fields.get(name) ?? []), value]);
  // Repeated fields stay lists: Twilio signs each value of a repeated field.
  return Object.fromEntries(
    [...fields].map(([name, values]) => [name, values.length === 1 ? values[0] : values]),
  );
}

/** HMAC-SHA1 of the called URL and the sorted fields, keyed with the auth token (X-Twilio-Signature). */
export function verifyTwilioSignature(
  ctx: Koa.Context,
  settings: Pick<TwilioCallbackSettings, 'authToken' | 'publicUrl'>,
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
