/**
 * How many SMS parts a body costs, the way carriers (and Twilio's `num_segments`) count it
 * (GATEWAYS.md): GSM-7 fits 160 septets in one SMS and 153 per part of a longer one; a
 * single character outside GSM-7 switches the whole body to UCS-2, 70 per SMS and 67 per
 * part. Shared by the operator CLI and the Twilio emulator so both count alike.
 */
const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
/** Characters of the GSM-7 extension table: each costs an escape plus itself. */
const GSM7_EXTENDED = new Set('^{}\\[~]|€\f');

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SegmentCount {
  encoding: SmsEncoding;
  /** GSM-7 septets (an extension character costs two), or UTF-16 code units for UCS-2. */
  units: number;
  segments: number;
  /** Units that fit in a message sent whole, and in each part of a longer one. */
  single: number;
  perPart: number;
}

const LIMITS: Record<SmsEncoding, { single: number; perPart: number }> = {
  'GSM-7': { single: 160, perPart: 153 },
  'UCS-2': { single: 70, perPart: 67 },
};

function gsm7Septets(body: string): number | null {
  let septets = 0;
  for (const char of body) {
    if (GSM7_BASIC.has(char)) septets += 1;
    else if (GSM7_EXTENDED.has(char)) septets += 2;
    else return null;
  }
  return septets;
}

export function segmentCount(body: string): SegmentCount {
  const septets = gsm7Septets(body);
  // UCS-2 counts UTF-16 code units, so an emoji takes two.
  const encoding: SmsEncoding = septets === null ? 'UCS-2' : 'GSM-7';
  const units = septets ?? body.length;
  const { single, perPart } = LIMITS[encoding];
  const segments = units <= single ? 1 : Math.ceil(units / perPart);
  return { encoding, units, segments, single, perPart };
}

export function countSegments(body: string): number {
  return segmentCount(body).segments;
}
