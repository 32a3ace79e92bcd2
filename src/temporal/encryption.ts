import path from 'node:path';
import type { Config } from '../config';
import type { Logger } from '../logging';
import { AesGcmPayloadCodec } from './codec';
import { GENERATED_KEYS_FILE, readKeyFile, type PayloadKey } from './payload-keys';

export class PayloadKeysMissingError extends Error {
  constructor() {
    super(
      'PAYLOAD_KEYS is not set, so customer data would reach Temporal in clear: set PAYLOAD_KEYS=<id>:<base64 of 32 random bytes> (e.g. `openssl rand -base64 32`), or PAYLOAD_ENCRYPTION=off to run without encryption',
    );
    this.name = 'PayloadKeysMissingError';
  }
}

/**
 * The codec a service process (API, worker) installs on its Temporal connection. It
 * refuses to run without keys unless encryption is explicitly off, and says so each start.
 */
export function payloadCodec(config: Pick<Config, 'payload'>, logger: Logger): AesGcmPayloadCodec {
  const { keys, encryption } = config.payload;
  if (!encryption) {
    logger.warn(
      'PAYLOAD_ENCRYPTION=off: customer phone numbers and names are stored in clear in Temporal histories',
    );
    return new AesGcmPayloadCodec(keys, false);
  }
  assertPayloadKeys(config);
  return new AesGcmPayloadCodec(keys);
}

/** Entrypoints check before opening anything: a service without keys never starts. */
export function assertPayloadKeys(config: Pick<Config, 'payload'>): void {
  if (config.payload.encryption && config.payload.keys.length === 0)
    throw new PayloadKeysMissingError();
}

/**
 * For operator tools (the CLI): PAYLOAD_KEYS, else the key `npm start` generated in
 * DATA_DIR, else none. Without keys, unencrypted payloads still read and encrypted ones
 * fail naming their key id.
 */
export function operatorKeys(config: Pick<Config, 'payload' | 'dataDir'>): readonly PayloadKey[] {
  if (config.payload.keys.length > 0) return config.payload.keys;
  return readKeyFile(path.join(config.dataDir, GENERATED_KEYS_FILE)) ?? [];
}

export function operatorCodec(config: Pick<Config, 'payload' | 'dataDir'>): AesGcmPayloadCodec {
  return new AesGcmPayloadCodec(operatorKeys(config), config.payload.encryption);
}
