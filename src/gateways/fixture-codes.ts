import { crc16Ccitt } from './br-code';

/**
 * A PIX copy-and-paste code whose CRC verifies, for fixtures and emulators: the recipient
 * policy lets it into an SMS, as it would a gateway's real code.
 */
export function fixtureBrCode(reference: string): string {
  const key = `0014br.gov.bcb.pix0136${reference.padEnd(36, '0').slice(0, 36)}`;
  const head = `00020126${String(key.length).padStart(2, '0')}${key}5204000053039865802BR6304`;
  return `${head}${crc16Ccitt(head)}`;
}
