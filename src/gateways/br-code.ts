/**
 * A PIX copy-and-paste code is an EMV "merchant-presented" payload (BR Code): fields of
 * two-digit id, two-digit length and value, starting with the format indicator `000201`
 * and ending with field 63, a CRC16-CCITT (polynomial 0x1021, initial value 0xFFFF) of
 * everything before its four hex digits, `6304` included. Anything else is not a code a
 * bank app will accept, so it never goes into an SMS.
 */
export function isValidBrCode(code: string): boolean {
  if (!/^000201/.test(code) || !/^[\x20-\x7E]+$/.test(code)) return false;
  if (!wellFormedFields(code)) return false;
  const declared = code.slice(-4).toUpperCase();
  return crc16Ccitt(code.slice(0, -4)) === declared;
}

/** Every field's length must land exactly on the next field, the last being `6304xxxx`. */
function wellFormedFields(code: string): boolean {
  let at = 0;
  let lastId = '';
  while (at < code.length) {
    const id = code.slice(at, at + 2);
    const length = code.slice(at + 2, at + 4);
    if (!/^\d\d$/.test(id) || !/^\d\d$/.test(length)) return false;
    lastId = id;
    at += 4 + Number(length);
  }
  return at === code.length && lastId === '63' && /6304[0-9A-Fa-f]{4}$/.test(code);
}

export function crc16Ccitt(text: string): string {
  let crc = 0xffff;
  for (let i = 0; i < text.length; i += 1) {
    crc ^= text.charCodeAt(i) << 8;
    for (let bit = 0; bit < 8; bit += 1) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}
