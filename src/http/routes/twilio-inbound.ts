import Router from '@koa/router';
import type { Db } from '../../db/connect';
import { firstSighting } from '../../db/inbound-messages';
import { suppress } from '../../db/suppressions';
import { DEFAULT_OPT_OUT_REPLY, isOptOutReply } from '../../inbound-messages/opt-out';
import { E164 } from '../../domain/formats';
import { maskPhone } from '../../domain/phone';
import type { Logger } from '../../logging';
import { HttpError } from '../errors';
import { readTwilioForm, verifyTwilioSignature } from '../twilio-form';
import type { TwilioCallbackSettings } from './twilio-status';

export const INBOUND_PATH = '/api/webhooks/twilio/inbound/';
const MAX_INBOUND_BYTES = 64 * 1024;
/** Twilio's are SM/MM + 32 hex; anything id-like up to the column's width is taken. */
const MESSAGE_SID = /^[A-Z]{2}[0-9A-Za-z]{1,62}$/;

export interface TwilioInboundRouteDeps {
  db: Db;
  logger: Logger;
  twilioCallbacks?: TwilioCallbackSettings;
  /** The reply to an opt-out; null sends none (OPT_OUT_REPLY=off). */
  optOutReply?: string | null;
}

/** Customers' replies to our SMS (Twilio's incoming-message webhook): opt-outs are honoured. */
export function twilioInboundRoutes(deps: TwilioInboundRouteDeps): Router {
  const router = new Router();
  router.post([INBOUND_PATH, INBOUND_PATH.replace(/\/$/, '')], async (ctx) => {
    const settings = deps.twilioCallbacks;
    if (!settings) throw new HttpError(403, 'Twilio webhooks are not configured here');
    const params = await readTwilioForm(ctx, MAX_INBOUND_BYTES);
    verifyTwilioSignature(ctx, settings, params, deps.logger);
    const from = typeof params.From === 'string' ? params.From : '';
    const body = typeof params.Body === 'string' ? params.Body : '';
    if (!E164.test(from))
      throw new HttpError(422, 'not a valid Twilio inbound message', [
        { path: 'From', message: 'expected an E.164 number' },
      ]);
    const sid = typeof params.MessageSid === 'string' ? params.MessageSid : '';
    if (!MESSAGE_SID.test(sid))
      throw new HttpError(422, 'not a valid Twilio inbound message', [
        {
          path: 'MessageSid',
          message: 'expected a Twilio message SID, e.g. SM followed by 32 hex digits',
        },
      ]);
    const reply = isOptOutReply(body) ? await optOut(deps, sid, from, body) : null;
    ctx.type = 'text/xml';
    ctx.body = twiml(reply);
  });
  return router;
}

/** Null (no reply) for a MessageSid already handled: a replay suppresses and answers nothing. */
async function optOut(
  deps: TwilioInboundRouteDeps,
  sid: string,
  from: string,
  body: string,
): Promise<string | null> {
  const first = await deps.db.transaction(async (tx) => {
    if (!(await firstSighting(tx, sid))) return false;
    await suppress(tx, from, 'opt_out_reply', body.slice(0, 100));
    return true;
  });
  if (!first) {
    deps.logger.info({ to: maskPhone(from) }, 'opt-out reply already handled (same MessageSid)');
    return null;
  }
  deps.logger.info({ to: maskPhone(from) }, 'number opted out by reply');
  return deps.optOutReply === undefined ? DEFAULT_OPT_OUT_REPLY : deps.optOutReply;
}

function twiml(message: string | null): string {
  const escaped = message?.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<?xml version="1.0" encoding="UTF-8"?><Response>${escaped ? `<Message>${escaped}</Message>` : ''}</Response>`;
}
