type Charset = 'utf-8' | 'latin1';

const LABELS: Readonly<Record<string, Charset>> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'iso-8859-1': 'latin1',
  iso8859_1: 'latin1',
  'iso_8859-1': 'latin1',
  latin1: 'latin1',
  'latin-1': 'latin1',
  l1: 'latin1',
  'windows-1252': 'latin1',
  cp1252: 'latin1',
};

const utf8 = new TextDecoder('utf-8');
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
/**
 * The WHATWG Encoding Standard decodes the `iso-8859-1` and `latin1` labels as
 * windows-1252: identical for every printable Latin-1 character, and it turns 0x80–0x9F
 * into the curly quotes and € that mislabelled bodies really mean.
 */
const latin1 = new TextDecoder('windows-1252');

/**
 * Webhook bytes to text. A declared charset wins; without one (or with one we don't
 * know) we take UTF-8 when the bytes are valid UTF-8 and ISO-8859-1 otherwise, since
 * GhostPay bodies have been seen in both (docs/gateways.md).
 */
export function decodeBody(raw: Buffer, contentType: string | undefined): string {
  const label = charsetOf(contentType) ?? '';
  // hasOwn: a `charset=constructor` must not find Object.prototype's member.
  const declared = Object.hasOwn(LABELS, label) ? LABELS[label] : undefined;
  if (declared === 'utf-8') return utf8.decode(raw);
  if (declared === 'latin1') return latin1.decode(raw);
  return isUtf8(raw) ? utf8.decode(raw) : latin1.decode(raw);
}

/** The `charset` parameter of a media type (RFC 9110 §8.3), unquoted and lower-cased. */
function charsetOf(contentType: string | undefined): string | null {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return match ? match[1].toLowerCase() : null;
}

function isUtf8(raw: Buffer): boolean {
  try {
    strictUtf8.decode(raw);
    return true;
  } catch {
    return false;
  }
}
