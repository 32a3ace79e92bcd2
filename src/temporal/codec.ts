import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
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
const text = (bytes: Uint8Array | null | undefined) =>
  bytes ? new TextDecoder().decode(bytes) : undefined;

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
  private readonly byId: Map<string, Buffer>;
  private readonly current: PayloadKey | null;

  constructor(keys: readonly PayloadKey[], encrypting = keys.length > 0) {
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
    this.current = encrypting ? (keys[0] ?? null) : null;
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
      if (text(payload.metadata?.encoding) !== ENCRYPTED_ENCODING) return payload;
      const keyId = text(payload.metadata?.[KEY_ID_METADATA]) ?? '';
      const key = this.byId.get(keyId);
      if (!key) throw new UnknownPayloadKeyError(keyId);
      return decrypt(payload.data ?? new Uint8Array(), { id: keyId, key });
    });
  }
}

function encrypt(payload: Payload, { id, key }: PayloadKey): Payload {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(utf8(id));
  const plain = ProtoPayload.encode(payload).finish();
  const sealed = Buffer.concat([nonce, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  return {
    metadata: {
      encoding: utf8(ENCRYPTED_ENCODING),
      [CIPHER_METADATA]: utf8(CIPHER),
      [KEY_ID_METADATA]: utf8(id),
    },
    data: sealed,
  };
}

function decrypt(sealed: Uint8Array, { id, key }: PayloadKey): Payload {
  if (sealed.length < NONCE_BYTES + TAG_BYTES)
    throw new Error(`encrypted payload under key "${id}" is truncated`);
  const bytes = Buffer.from(sealed);
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, NONCE_BYTES));
  decipher.setAAD(utf8(id));
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
