import { E164 } from './formats';
import { parsePhoneNumberFromString, type PhoneNumber } from 'libphonenumber-js/max';

export type PhoneRejection =
  'missing' | 'unparseable' | 'invalid' | 'not_mobile' | 'country_not_allowed';

/** Who may be texted: ISO country codes (`BR`) and E.164 prefixes (`+351`). */
export interface AllowedCountries {
  countries: readonly string[];
  prefixes: readonly string[];
}

/** The default: our customers are Brazilian, and so are the numbers we text. */
export const BRAZIL_ONLY: AllowedCountries = Object.freeze({
  countries: Object.freeze(['BR']),
  prefixes: Object.freeze([]),
});

export type NormalizedPhone = { ok: true; e164: string } | { ok: false; reason: PhoneRejection };

/**
 * MOBILE is what we want. FIXED_LINE_OR_MOBILE is also accepted: Brazil's numbering plan
 * tells the two apart (mobiles are nine digits starting with 9), so a Brazilian number
 * never gets this type; it only marks plans like NANP (+1) where the metadata cannot tell.
 * Rejecting it would mean never reaching those customers; accepting it costs at worst one
 * permanent Twilio error (21614) for a landline. Unlike the old ninth-digit guess, no
 * other person can get the message.
 */
const SMS_CAPABLE = new Set(['MOBILE', 'FIXED_LINE_OR_MOBILE']);

/**
 * The customer's phone as E.164, if it is a valid mobile. Parsed exactly as written,
 * with Brazil as the default country; never "repaired": a 10-digit Brazilian number is
 * a landline or an obsolete mobile number, and adding a 9 would text a stranger.
 */
export function normalizePhone(
  raw: string | null | undefined,
  allowed: AllowedCountries = BRAZIL_ONLY,
): NormalizedPhone {
  if (raw === null || raw === undefined || raw.trim() === '')
    return { ok: false, reason: 'missing' };
  const phone = parse(raw);
  if (!phone) return { ok: false, reason: 'unparseable' };
  if (!phone.isValid()) return { ok: false, reason: 'invalid' };
  if (!isAllowed(phone, allowed)) return { ok: false, reason: 'country_not_allowed' };
  if (!SMS_CAPABLE.has(phone.getType() ?? '')) return { ok: false, reason: 'not_mobile' };
  return { ok: true, e164: phone.number };
}

/**
 * A webhook names the number; without this check anyone who can post one could have us
 * text any country at the seller's cost (and from the seller's number).
 */
function isAllowed(phone: PhoneNumber, allowed: AllowedCountries): boolean {
  if (phone.country && allowed.countries.includes(phone.country)) return true;
  return allowed.prefixes.some((prefix) => phone.number.startsWith(prefix));
}

/**
 * The E.164 key a number is stored under, for looking it up rather than messaging it: any
 * valid number (landlines too, Brazil by default), or a number already in E.164 shape,
 * such as the `From` of a reply Twilio relayed. Null for anything else.
 */
export function phoneKey(raw: string, options: { strict?: boolean } = {}): string | null {
  const phone = parse(raw.trim());
  if (phone?.isValid()) return phone.number;
  return !options.strict && E164.test(raw.trim()) ? raw.trim() : null;
}

/** `extract: false`: a phone field holding other text is not a phone, whatever digits it has. */
function parse(raw: string): PhoneNumber | undefined {
  return parsePhoneNumberFromString(raw, { defaultCountry: 'BR', extract: false });
}

/**
 * An E.164 number for logs and lists (LGPD): country and area code and the last four
 * digits stay, so support can match a complaint without the log holding the number.
 * `+5511987654321` → `+55 11 9****-4321`; elsewhere `+1 ******0123`.
 */
export function maskPhone(e164: string): string {
  const br = /^\+55(\d{2})(\d{8,9})$/.exec(e164);
  if (br) return `+55 ${br[1]} ${br[2][0]}${stars(br[2].length - 5)}-${br[2].slice(-4)}`;
  const phone = parsePhoneNumberFromString(e164);
  if (phone) return `+${phone.countryCallingCode} ${hideAllButLast4(phone.nationalNumber)}`;
  return hideAllButLast4(e164.replace(/\D/g, ''));
}

function hideAllButLast4(digits: string): string {
  return digits.length <= 4 ? stars(4) : stars(digits.length - 4) + digits.slice(-4);
}

function stars(n: number): string {
  return '*'.repeat(Math.max(n, 0));
}

/**
 * Numbers as they appear in text: anything international (`+` and 7 to 15 digits, with the
 * separators people type), or a Brazilian national number (`(11) 98765-4321`,
 * `11987654321`). Dates, times, error codes and ids are left alone.
 */
const NUMBER_IN_TEXT =
  /\+\d(?:[\s().-]{0,2}\d){6,14}|(?<!\d)\(?\d{2}\)?[\s.-]?\d{4,5}[\s.-]?\d{4}(?!\d)/g;

/**
 * Free text (Twilio's error messages name the number: "The 'To' number +55… is not a valid
 * phone number") masked the way lists mask phones, for every list that serves such text.
 */
export function maskPhonesIn(text: string): string {
  return text.replace(NUMBER_IN_TEXT, (found) => {
    const digits = found.replace(/\D/g, '');
    return found.startsWith('+') ? maskPhone(`+${digits}`) : hideAllButLast4(digits);
  });
}
