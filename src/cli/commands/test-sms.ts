import { z } from 'zod';
import { loadConfig } from '../../config';
import { withRunningEmulator } from '../../embedded/run-file';
import { normalizePhone, type AllowedCountries, type PhoneRejection } from '../../domain/phone';
import { SmsSendError } from '../../sms/errors';
import { segmentCount } from '../../sms/segments';
import { createSmsSender, type SmsSender } from '../../sms/sender';
import { DEFAULT_TEMPLATE, renderSms } from '../../sms/template';
import { CliError, type Command } from '../command';
import { centavosOption, gatewayOption, parseCommandLine, validateOptions } from '../options';

const help = `Usage: pix-recovery test-sms --phone <number> [options]

Renders the recovery SMS from the configured template (SMS_TEMPLATE, or the default) and
sends it through the configured Twilio (TWILIO_*, TWILIO_API_URL), printing the SID.
Without Twilio settings, beside a running \`npm start\` (same DATA_DIR), it sends through
that stack's Twilio emulator.

Options:
  --phone <number>      recipient; a mobile number, Brazilian by default ("(11) 98765-4321")
  --name <name>         customer name for {first_name}
  --amount <centavos>   amount for {amount}, in centavos: 5000 is R$ 50,00
  --gateway <gateway>   tribopay (default) or ghostpay, for {gateway}
  --link <url>          payment link for {link}
  --dry-run             print the body, its length and SMS segments; send nothing`;

const SEND_HINT =
  'set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_PHONE_NUMBER, run it beside `npm start` (same DATA_DIR), or use --dry-run';

const PHONE_PROBLEMS: Record<PhoneRejection, string> = {
  missing: 'is required',
  unparseable: 'is not a phone number',
  invalid: 'is not a valid phone number',
  not_mobile: "is not a mobile number (a landline can't receive SMS)",
  country_not_allowed: 'is from a country we do not text (ALLOWED_COUNTRIES, default BR)',
};

/** The same rule the webhook applies: only an allowed mobile number ever gets a recovery SMS. */
const mobilePhone = (allowed: AllowedCountries) =>
  z.string({ error: 'is required' }).transform((raw, ctx) => {
    const phone = normalizePhone(raw, allowed);
    if (phone.ok) return phone.e164;
    ctx.addIssue({ code: 'custom', message: `"${raw}" ${PHONE_PROBLEMS[phone.reason]}` });
    return z.NEVER;
  });

const schemaFor = (allowed: AllowedCountries) =>
  z.object({
    phone: mobilePhone(allowed),
    name: z.string().optional(),
    amount: centavosOption.optional(),
    gateway: gatewayOption,
    link: z.string().optional(),
    'dry-run': z.boolean(),
  });

export const testSms: Command = {
  name: 'test-sms',
  summary: 'render the recovery SMS and send it through the configured Twilio',
  help,
  async run(args, ctx) {
    const { values } = parseCommandLine('test-sms', {
      args,
      options: {
        phone: { type: 'string' },
        name: { type: 'string' },
        amount: { type: 'string' },
        gateway: { type: 'string', default: 'tribopay' },
        link: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
      },
    });
    const { config, emulatorUrl } = withRunningEmulator(loadConfig(ctx.env));
    const schema = schemaFor(config.recipients.allowedCountries);
    const input = validateOptions('test-sms', schema, values);
    if (!input['dry-run'] && !config.twilio)
      throw new CliError(`Twilio is not configured: ${SEND_HINT}`);
    const body = renderSms(config.smsTemplate ?? DEFAULT_TEMPLATE, {
      customerName: input.name ?? null,
      amountCentavos: input.amount ?? null,
      gateway: input.gateway,
      link: input.link ?? null,
    });
    ctx.out(describe(input.phone, body));
    if (input['dry-run']) {
      ctx.out('dry run: nothing sent');
      return 0;
    }
    if (emulatorUrl) ctx.out(`via       npm start's Twilio emulator (${emulatorUrl})`);
    const sent = await send(createSmsSender(config.twilio, config.twilioApiUrl), input.phone, body);
    ctx.out(`sent      ${sent.sid} (${sent.status})`);
    return 0;
  },
};

function describe(to: string, body: string): string {
  const count = segmentCount(body);
  const why = count.firstNonGsm === null ? '' : ` because of "${count.firstNonGsm}"`;
  const unit = count.encoding === 'GSM-7' ? 'septets' : 'UTF-16 units';
  return [
    `to        ${to}`,
    `body      ${body}`,
    `length    ${[...body].length} characters`,
    `segments  ${count.segments} (${count.encoding}${why}, ${count.units} ${unit}: ` +
      `up to ${count.single} in one SMS, ${count.perPart} per part when split)`,
  ].join('\n');
}

async function send(sender: SmsSender, to: string, body: string) {
  try {
    return await sender.send({ to, body });
  } catch (err) {
    if (!(err instanceof SmsSendError)) throw err;
    const details = [err.httpStatus && `HTTP ${err.httpStatus}`, err.code && `code ${err.code}`];
    const answer =
      err.httpStatus === null
        ? 'no answer from Twilio'
        : `Twilio answered ${details.filter(Boolean).join(', ')}`;
    // docs/gateways.md: a timeout or 5xx after sending leaves the outcome unknown; a refused
    // or unresolvable connection never carried the request.
    const neverSent = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN)\b/.test(err.message);
    const unknown =
      err.outcomeUnknown && !neverSent ? '; the message may still have been sent' : '';
    throw new CliError(`${answer}: ${err.message}${unknown}`);
  }
}
