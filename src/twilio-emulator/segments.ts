/**
 * How many SMS parts a body costs, the way carriers count it (GATEWAYS.md): GSM-7 fits
 * 160 septets in one SMS and 153 per part of a longer one; a single character outside
 * GSM-7 switches the whole body to UCS-2, 70 per SMS and 67 per part.
 */
const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
/** Characters of the GSM-7 extension table: each costs an escape plus itself. */
const GSM7_EXTENDED = new Set('^{}\\[~]|€\f');

function gsm7Septets(body: string): number | null {
  let septets = 0;
  for (const char of body) {
    if (GSM7_BASIC.has(char)) septets += 1;
    else if (GSM7_EXTENDED.has(char)) septets += 2;
    else return null;
  }
  return septets;
}

function partsFor(units: number, single: number, perPart: number): number {
  if (units <= single) return 1;
  return Math.ceil(units / perPart);
}

export function countSegments(body: string): number {
  const septets = gsm7Septets(body);
  if (septets !== null) return partsFor(septets, 160, 153);
  // UCS-2 counts UTF-16 code units, so an emoji takes two.
  return partsFor(body.length, 70, 67);
}
