/**
 * The formats the service checks at its edges, each defined once. Pure constants: no
 * imports, so the configuration, the HTTP routes and the Twilio emulator share them.
 */

/**
 * An E.164 number (ITU-T E.164: a country code that never starts with 0 and at most 15
 * digits in all). Seven digits is the shortest real one (e.g. Niue's +683 plus four).
 */
export const E164 = /^\+[1-9]\d{6,14}$/;
export const E164_HINT = 'expected an E.164 number such as +5511987654321';

/** Twilio's SIDs: a two-letter resource prefix and 32 hexadecimal characters. */
const twilioSid = (prefixes: string) => new RegExp(`^(${prefixes})[0-9a-fA-F]{32}$`);
export const ACCOUNT_SID = twilioSid('AC');
export const ACCOUNT_SID_HINT = 'expected "AC" followed by 32 hexadecimal characters';
export const MESSAGING_SERVICE_SID = twilioSid('MG');
export const MESSAGING_SERVICE_SID_HINT = 'expected "MG" followed by 32 hexadecimal characters';
/** A message: SMS (`SM`) or MMS (`MM`). */
export const MESSAGE_SID = twilioSid('SM|MM');
export const MESSAGE_SID_HINT = 'expected a Twilio message SID (SM…)';

/** `application/json` and its `+json` relatives (RFC 6839), parameters allowed. */
export const JSON_CONTENT_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;
/** What Twilio posts its webhooks as. */
export const FORM_CONTENT_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;

/**
 * Blank text means "not given": an environment variable set to `` or spaces keeps its
 * default, and a Twilio webhook field sent empty (`ErrorCode=`) is absent.
 */
export function blankToUndefined(value: unknown): unknown {
  return typeof value === 'string' && value.trim() === '' ? undefined : value;
}
