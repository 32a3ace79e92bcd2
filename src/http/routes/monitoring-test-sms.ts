import type Router from '@koa/router';
import type Koa from 'koa';
import { normalizePhone, type PhoneRejection } from '../../domain/phone';
import { createRateLimiter } from '../../monitoring/rate-limiter';
import { isSuppressed } from '../../db/suppressions';
import { sendTestSms } from '../../monitoring/test-sms';
import { SmsSendError, TwilioNotConfiguredError } from '../../sms/errors';
import { createSmsSender } from '../../sms/sender';
import { DEFAULT_TEMPLATE, sampleMessage } from '../../sms/template';
import { HttpError } from '../errors';
import { routePaths } from '../openapi';
import { testSmsRoute } from '../schemas/monitoring';
import { parseJsonBody } from '../schemas/parse';
import type { MonitoringRouteDeps } from './monitoring';

const MAX_BODY_BYTES = 16 * 1024;

const PHONE_PROBLEMS: Record<PhoneRejection, string> = {
  missing: 'is required',
  unparseable: 'is not a phone number',
  invalid: 'is not a valid phone number',
  not_mobile: 'is not a mobile number: landlines cannot receive SMS',
  country_not_allowed: 'is from a country we do not text (ALLOWED_COUNTRIES, default BR)',
};

/** `test-sms/`: one real SMS, rate-limited per token. */
export function testSmsRoutes(
  router: Router,
  auth: Koa.Middleware,
  deps: MonitoringRouteDeps,
): void {
  const limiter = createRateLimiter(deps.testSmsLimit ?? { max: 5, windowMs: 60_000 });
  const sender = {
    db: deps.db,
    sms: deps.sms ?? createSmsSender(null),
    logger: deps.logger,
    statusCallbackUrl: deps.statusCallbackUrl,
  };
  router.post(routePaths(testSmsRoute), auth, async (ctx) => {
    const body = await parseJsonBody(ctx, testSmsRoute.body.schema, MAX_BODY_BYTES);
    const phone = normalizePhone(body.phone_number, deps.recipients?.allowedCountries);
    if (!phone.ok) {
      throw new HttpError(422, 'invalid request body', [
        { path: 'phone_number', message: PHONE_PROBLEMS[phone.reason] },
      ]);
    }
    // An opted-out number is never messaged again, not even by an operator's test.
    if (await isSuppressed(deps.db, phone.e164)) {
      // 409: the request is fine, the number's state forbids it.
      throw new HttpError(409, 'this number opted out of messages (suppression list)', [
        { path: 'phone_number', message: 'on the suppression list' },
      ]);
    }
    const decision = limiter.take(String(ctx.state.caller));
    if (!decision.allowed) {
      const retryAfter = String(Math.ceil(decision.retryAfterMs / 1000));
      throw new HttpError(429, 'too many test messages; try again later', undefined, {
        'Retry-After': retryAfter,
      });
    }
    const message = body.message ?? sampleMessage(deps.smsTemplate ?? DEFAULT_TEMPLATE);
    try {
      ctx.body = await sendTestSms(sender, phone.e164, message);
    } catch (err) {
      throw twilioRefusal(err);
    }
  });
}

/** Twilio's answer as ours; anything unexpected goes on to the generic 500. */
function twilioRefusal(err: unknown): unknown {
  if (err instanceof TwilioNotConfiguredError) return new HttpError(503, err.message);
  if (!(err instanceof SmsSendError)) return err;
  const code = err.code === null ? '' : ` (Twilio error ${err.code})`;
  if (err.kind === 'transient') {
    return new HttpError(503, `Twilio unavailable, retry later${code}`, undefined, {
      'Retry-After': '30',
    });
  }
  // Twilio answers 400 for what is wrong with this message (the number, the body).
  if (err.httpStatus === 400) return new HttpError(422, `Twilio refused the message${code}`);
  return new HttpError(502, `Twilio refused the request${code}`);
}
