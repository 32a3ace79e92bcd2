import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** One AES-256 key: its id travels in each payload's metadata, the key itself never does. */
export interface PayloadKey {
  id: string;
  key: Buffer;
}

export const KEY_BYTES = 32; // AES-256
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * `id:base64[,id:base64…]` (PAYLOAD_KEYS). The first key encrypts, every key decrypts, so a
 * new key goes first and the old one stays listed until no history needs it. Throws a
 * message naming the entry at fault, never a key's value.
 */
export function parsePayloadKeys(text: string): PayloadKey[] {
  const entries = text
    .split(/[,\s]+/)
    .map((entry) => entry.trim())
    .filter(Boolean);
  const keys = entries.map((entry, index) => {
    const colon = entry.indexOf(':');
    const id = colon < 0 ? '' : entry.slice(0, colon);
    if (!KEY_ID.test(id))
      throw new Error(`entry ${index + 1}: expected id:base64, the id 1-64 of A-Z a-z 0-9 . _ -`);
    const encoded = entry.slice(colon + 1);
    const key = Buffer.from(encoded, 'base64');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || key.length !== KEY_BYTES)
      throw new Error(
        `key "${id}": expected ${KEY_BYTES} bytes in base64 (openssl rand -base64 32)`,
      );
    return { id, key };
  });
  const ids = keys.map((k) => k.id);
  const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
  if (repeated) throw new Error(`key id "${repeated}" is listed twice`);
  return keys;
}

export function formatPayloadKey({ id, key }: PayloadKey): string {
  return `${id}:${key.toString('base64')}`;
}

export const GENERATED_KEYS_FILE = 'payload-keys';

/**
 * `npm start` without PAYLOAD_KEYS: the key generated on the first run, kept in DATA_DIR
 * (readable by its owner only) so later runs read the histories the earlier ones wrote.
 */
export function loadOrGenerateKeys(dataDir: string): {
  keys: PayloadKey[];
  file: string;
  created: boolean;
} {
  const file = path.resolve(dataDir, GENERATED_KEYS_FILE);
  const existing = readKeyFile(file);
  if (existing) return { keys: existing, file, created: false };
  fs.mkdirSync(dataDir, { recursive: true });
  const key = { id: `local-${new Date().toISOString().slice(0, 10)}`, key: randomBytes(KEY_BYTES) };
  fs.writeFileSync(file, `${formatPayloadKey(key)}\n`, { mode: 0o600, flag: 'wx' });
  return { keys: [key], file, created: true };
}

/** The generated keys, when `npm start` made some in DATA_DIR (the CLI reads them too). */
export function readKeyFile(file: string): PayloadKey[] | null {
  if (!fs.existsSync(file)) return null;
  return parsePayloadKeys(fs.readFileSync(file, 'utf8'));
}
