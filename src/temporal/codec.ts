import {
  createCipheriv,
  createDecipheriv,
  createSecretKey,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { PayloadKey } from './payload-keys';

const ProtoPayload = temporal.api.common.v1.Payload;

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const CIPHER_METADATA = 'encryption-cipher';
const CIPHER = 'AES256-GCM';
const NONCE_BYTES = 12; // GCM's standard nonce (NIST SP 800-38D §8.2)
const TAG_BYTES = 16;

const utf8 = (text: string) => new TextEncoder().encode(text);
const utf8Decoder = new TextDecoder();
const ENCRYPTED_ENCODING_BYTES = utf8(ENCRYPTED_ENCODING);
const CIPHER_BYTES = utf8(CIPHER);

/**
 * Nonces are cut from a block of CSPRNG output fetched 256 at a time: one random call per
 * payload was the codec's largest cost (Node's randomUUID caches its entropy the same way).
 * Each 12 bytes are handed out once, so they are exactly as unique as per-call ones.
 */
const NONCES_PER_BLOCK = 256;
let nonceBlock = Buffer.alloc(0);
let nonceOffset = 0;

function nextNonce(): Buffer {
  if (nonceOffset + NONCE_BYTES > nonceBlock.length) {
    nonceBlock = randomBytes(NONCE_BYTES * NONCES_PER_BLOCK);
    nonceOffset = 0;
  }
  const nonce = nonceBlock.subarray(nonceOffset, nonceOffset + NONCE_BYTES);
  nonceOffset += NONCE_BYTES;
  return nonce;
}

/** What encrypting or decrypting under one key needs, prepared once per key. */
interface PreparedKey {
  id: string;
  key: KeyObject;
  /** The key id's bytes: the additional authenticated data, and the clear metadata label. */
  idBytes: Buffer;
}

function prepare({ id, key }: PayloadKey): PreparedKey {
  return { id, key: createSecretKey(key), idBytes: Buffer.from(id, 'utf8') };
}

/** Whether a metadata value holds exactly `expected`, without decoding it to a string. */
function sameBytes(value: Uint8Array | null | undefined, expected: Uint8Array): boolean {
  return !!value && Buffer.from(value.buffer, value.byteOffset, value.byteLength).equals(expected);
}

/** A payload under a key this process doesn't hold: named, so operators know which key to add. */
export class UnknownPayloadKeyError extends Error {
  constructor(readonly keyId: string) {
    super(`payload is encrypted under key id "${keyId}", which is not in PAYLOAD_KEYS`);
    this.name = 'UnknownPayloadKeyError';
  }
}

/**
 * AES-256-GCM over each whole payload (its metadata too, so the encoding doesn't leak
 * either), with a fresh random nonce each time and the key id in clear metadata. The key
 * id is also the additional authenticated data: relabelling a payload fails its tag.
 * Payloads that were never encrypted (written before encryption was on) pass through.
 * With no keys (PAYLOAD_ENCRYPTION=off) nothing is encrypted, but listed keys still decrypt.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly byId: Map<string, PreparedKey>;
  private readonly current: PreparedKey | null;

  constructor(keys: readonly PayloadKey[], encrypting = keys.length > 0) {
    this.byId = new Map(keys.map((k) => [k.id, prepare(k)]));
    this.current = encrypting && keys[0] ? prepare(keys[0]) : null;
  }

  get keyId(): string | null {
    return this.current?.id ?? null;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const current = this.current;
    if (!current) return payloads;
    return payloads.map((payload) => encrypt(payload, current));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (!sameBytes(payload.metadata?.encoding, ENCRYPTED_ENCODING_BYTES)) return payload;
      const label = payload.metadata?.[KEY_ID_METADATA];
      const keyId = label ? utf8Decoder.decode(label) : '';
      const key = this.byId.get(keyId);
      if (!key) throw new UnknownPayloadKeyError(keyId);
      return decrypt(payload.data ?? new Uint8Array(), key);
    });
  }
}

function encrypt(payload: Payload, { key, idBytes }: PreparedKey): Payload {
  const nonce = nextNonce();
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(idBytes);
  const plain = ProtoPayload.encode(payload).finish();
  const sealed = Buffer.concat([nonce, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  return {
    // Copies of the constant labels: a payload's metadata is its own to change.
    metadata: {
      encoding: ENCRYPTED_ENCODING_BYTES.slice(),
      [CIPHER_METADATA]: CIPHER_BYTES.slice(),
      [KEY_ID_METADATA]: Uint8Array.prototype.slice.call(idBytes),
    },
    data: sealed,
  };
}

function decrypt(sealed: Uint8Array, { id, key, idBytes }: PreparedKey): Payload {
  if (sealed.length < NONCE_BYTES + TAG_BYTES)
    throw new Error(`encrypted payload under key "${id}" is truncated`);
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, NONCE_BYTES));
  decipher.setAAD(idBytes);
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  let plain: Buffer;
  try {
    plain = Buffer.concat([
      decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    throw new Error(
      `encrypted payload under key "${id}" failed authentication (wrong key or altered data)`,
    );
  }
  return ProtoPayload.decode(plain);
}
