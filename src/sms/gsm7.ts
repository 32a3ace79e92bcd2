import { isGsm7Char } from './segments';

/** Typographic characters phones and editors insert, and their plain GSM-7 spellings. */
const PLAIN: Record<string, string> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201C': '"',
  '\u201D': '"',
  '\u2013': '-',
  '\u2014': '-',
  '\u2026': '...',
  '\u00A0': ' ',
  '\u00BA': 'o',
  '\u00AA': 'a',
};

/**
 * Spells a message with GSM-7 characters only (`ã→a`, `ç→c`, `ê→e`), so a Portuguese SMS
 * costs 160-character parts instead of UCS-2's 70 (docs/gateways.md). Accents GSM-7 has
 * (é, à, Ç…) are kept; anything with no plain spelling becomes `?`.
 */
export function toGsm7(text: string): string {
  let out = '';
  for (const char of text) {
    if (isGsm7Char(char)) out += char;
    else if (PLAIN[char] !== undefined) out += PLAIN[char];
    else out += stripAccents(char);
  }
  return out;
}

function stripAccents(char: string): string {
  const base = char.normalize('NFD').replace(/\p{Mn}/gu, '');
  return base.length > 0 && [...base].every(isGsm7Char) ? base : '?';
}
