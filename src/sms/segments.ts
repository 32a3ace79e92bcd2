/**
 * How many SMS parts a body costs, the way carriers (and Twilio's `num_segments`) count it
 * (docs/gateways.md): GSM-7 fits 160 septets in one SMS and 153 per part of a longer one; a
 * single character outside GSM-7 switches the whole body to UCS-2, 70 per SMS and 67 per
 * part. One implementation for the app and the Twilio emulator, so both count alike.
 */
const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
/** Characters of the GSM-7 extension table: each costs an escape plus itself. */
const GSM7_EXTENDED = new Set('^{}\\[~]|€\f');

/** Whether the character can be sent in GSM-7 (basic table or extension table). */
export function isGsm7Char(char: string): boolean {
  return GSM7_BASIC.has(char) || GSM7_EXTENDED.has(char);
}

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SegmentCount {
  encoding: SmsEncoding;
  /** GSM-7 septets (an extension character costs two), or UTF-16 code units for UCS-2. */
  units: number;
  segments: number;
  /** Units that fit in a message sent whole, and in each part of a longer one. */
  single: number;
  perPart: number;
  /** The first character outside GSM-7, which made the whole body UCS-2; null for GSM-7. */
  firstNonGsm: string | null;
}

const LIMITS: Record<SmsEncoding, { single: number; perPart: number }> = {
  'GSM-7': { single: 160, perPart: 153 },
  'UCS-2': { single: 70, perPart: 67 },
};

function gsm7Septets(body: string): { septets: number } | { firstNonGsm: string } {
  let septets = 0;
  for (const char of body) {
    if (GSM7_BASIC.has(char)) septets += 1;
    else if (GSM7_EXTENDED.has(char)) septets += 2;
    else return { firstNonGsm: char };
  }
  return { septets };
}

export function segmentCount(body: string): SegmentCount {
  const gsm = gsm7Septets(body);
  const encoding: SmsEncoding = 'septets' in gsm ? 'GSM-7' : 'UCS-2';
  // UCS-2 counts UTF-16 code units, so an emoji takes two.
  const units = 'septets' in gsm ? gsm.septets : body.length;
  const { single, perPart } = LIMITS[encoding];
  const segments = units <= single ? 1 : Math.ceil(units / perPart);
  return {
    encoding,
    units,
    segments,
    single,
    perPart,
    firstNonGsm: 'firstNonGsm' in gsm ? gsm.firstNonGsm : null,
  };
}

export function countSegments(body: string): number {
  return segmentCount(body).segments;
}
