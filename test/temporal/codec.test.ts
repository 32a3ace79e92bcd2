import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import {
  AesGcmPayloadCodec,
  ENCRYPTED_ENCODING,
  KEY_ID_METADATA,
  UnknownPayloadKeyError,
} from '../../src/temporal/codec';
import { parsePayloadKeys, type PayloadKey } from '../../src/temporal/payload-keys';

const key = (id: string, fill: number): PayloadKey => ({ id, key: Buffer.alloc(32, fill) });
const OLD = key('2026-01', 1);
const NEW = key('2026-11', 2);
const customer = { phoneE164: '+5511987654321', customerName: 'Maria Silva' };
const text = (bytes?: Uint8Array | null) => Buffer.from(bytes ?? []).toString('utf8');

function plain(value: unknown): Payload {
  return defaultPayloadConverter.toPayload(value);
}

describe('the AES-256-GCM payload codec', () => {
  test('encrypts the whole payload under the first key, naming it in clear metadata', async () => {
    const [sealed] = await new AesGcmPayloadCodec([NEW, OLD]).encode([plain(customer)]);

    expect(text(sealed.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(sealed.metadata![KEY_ID_METADATA])).toBe('2026-11');
    const everything = Buffer.concat([...Object.values(sealed.metadata!), sealed.data!]);
    expect(everything.toString('latin1')).not.toMatch(/98765|Maria|json\/plain/);
  });

  test('uses a fresh nonce each time: the same value never encrypts to the same bytes', async () => {
    const codec = new AesGcmPayloadCodec([NEW]);
    const [a] = await codec.encode([plain(customer)]);
    const [b] = await codec.encode([plain(customer)]);

    expect(Buffer.from(a.data!).equals(Buffer.from(b.data!))).toBe(false);
    expect(Buffer.from(a.data!).subarray(0, 12).equals(Buffer.from(b.data!).subarray(0, 12))).toBe(
      false,
    );
  });

  test('nonces stay distinct across many payloads, and each payload still decodes', async () => {
    const codec = new AesGcmPayloadCodec([NEW]);
    const values = Array.from({ length: 700 }, (_, i) => ({ ...customer, n: i }));
    const sealed = await codec.encode(values.map(plain));
    const nonces = new Set(sealed.map((p) => Buffer.from(p.data!).subarray(0, 12).toString('hex')));

    expect(nonces.size).toBe(values.length);
    const decoded = await codec.decode(sealed);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual(values);
  });

  test('decodes what it encoded, back to the original payload', async () => {
    const codec = new AesGcmPayloadCodec([NEW]);
    const [decoded] = await codec.decode(await codec.encode([plain(customer)]));

    expect(defaultPayloadConverter.fromPayload(decoded)).toEqual(customer);
  });

  test('after a rotation, payloads under the old key still decode while it stays listed', async () => {
    const [underOld] = await new AesGcmPayloadCodec([OLD]).encode([plain(customer)]);
    const rotated = new AesGcmPayloadCodec([NEW, OLD]);

    const [decoded] = await rotated.decode([underOld]);
    expect(defaultPayloadConverter.fromPayload(decoded)).toEqual(customer);
    const [fresh] = await rotated.encode([plain(customer)]);
    expect(text(fresh.metadata![KEY_ID_METADATA])).toBe('2026-11');
  });

  test('a payload under a key no longer listed fails loudly, naming the key id', async () => {
    const [underOld] = await new AesGcmPayloadCodec([OLD]).encode([plain(customer)]);

    const decoding = new AesGcmPayloadCodec([NEW]).decode([underOld]);
    await expect(decoding).rejects.toThrow(UnknownPayloadKeyError);
    await expect(decoding).rejects.toThrow('key id "2026-01"');
  });

  test('a payload written before encryption was on passes through decoding unchanged', async () => {
    const old = plain(customer);

    expect(await new AesGcmPayloadCodec([NEW]).decode([old])).toEqual([old]);
  });

  test('an altered ciphertext or a relabelled key id fails authentication', async () => {
    const codec = new AesGcmPayloadCodec([NEW, { id: 'other', key: NEW.key }]);
    const [sealed] = await codec.encode([plain(customer)]);
    const flipped = Buffer.from(sealed.data!);
    flipped[20] ^= 1;
    const relabelled = {
      ...sealed,
      metadata: { ...sealed.metadata, [KEY_ID_METADATA]: Buffer.from('other') },
    };

    await expect(codec.decode([{ ...sealed, data: flipped }])).rejects.toThrow(/authentication/);
    await expect(codec.decode([relabelled])).rejects.toThrow(/authentication/);
  });

  test('with encryption off nothing is encrypted, but listed keys still decode', async () => {
    const [sealed] = await new AesGcmPayloadCodec([NEW]).encode([plain(customer)]);
    const off = new AesGcmPayloadCodec([NEW], false);

    expect(await off.encode([plain(customer)])).toEqual([plain(customer)]);
    expect(defaultPayloadConverter.fromPayload((await off.decode([sealed]))[0])).toEqual(customer);
  });
});

describe('PAYLOAD_KEYS', () => {
  const b64 = (fill: number) => Buffer.alloc(32, fill).toString('base64');

  test('lists id:base64 pairs, comma- or space-separated, the first one first', () => {
    const keys = parsePayloadKeys(`new:${b64(2)}, old:${b64(1)}`);
    expect(keys.map((k) => k.id)).toEqual(['new', 'old']);
    expect(keys[1].key.equals(Buffer.alloc(32, 1))).toBe(true);
  });

  test.each([
    [
      'a key of the wrong length',
      `k:${Buffer.alloc(16).toString('base64')}`,
      /key "k": expected 32 bytes/,
    ],
    ['an entry without an id', b64(1), /entry 1: expected id:base64/],
    ['the same id twice', `k:${b64(1)},k:${b64(2)}`, /"k" is listed twice/],
    ['text that is not base64', `k:${'!'.repeat(44)}`, /key "k": expected 32 bytes/],
  ])('refuses %s, without echoing the key', (_, value, message) => {
    expect(() => parsePayloadKeys(value)).toThrow(message);
    try {
      parsePayloadKeys(value);
    } catch (err) {
      expect((err as Error).message).not.toContain(value.split(':').pop());
    }
  });
});
