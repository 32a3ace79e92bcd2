import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Where Pagar.me publishes its keys, so a configured URL looks like the real one. */
export const JWKS_PATH = '/.well-known/jwks.json';

/** What the next key requests meet instead of the keys. */
export type JwksFault = { kind: 'answer'; httpStatus: number };

export interface PagarmeEmulator {
  /** Use as PAGARME_WEBHOOK_JWKS_URL. */
  jwksUrl: string;
  kid: string;
  /** The header Pagar.me would send with these bytes, signed with the emulator's key. */
  signatureHeader(rawBody: Buffer | string): string;
  /** Publishes a new key under a new kid and signs with it from now on. */
  rotateKey(): string;
  failNext(fault: JwksFault, times?: number): void;
  /** How many times the keys were fetched. */
  jwksRequests(): number;
  close(): Promise<void>;
}

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

function newKey(n: number): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid: `emulator-key-${n}`, privateKey, publicKey };
}

/**
 * Pagar.me's key publication, on loopback: a locally generated RSA key pair whose public
 * half is served as a JWKS, and which signs webhooks as Pagar.me's modules expect them
 * (`alg=RS256; kid=…; signature=<base64url RSASSA-PKCS1-v1_5 SHA-256 of the body>`).
 */
export async function startPagarmeEmulator(): Promise<PagarmeEmulator> {
  const keys = [newKey(1)];
  const faults: JwksFault[] = [];
  let requests = 0;
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== JWKS_PATH) {
      res.writeHead(404).end();
      return;
    }
    requests += 1;
    const fault = faults.shift();
    if (fault) {
      res.writeHead(fault.httpStatus, { 'content-type': 'application/json' }).end('{}');
      return;
    }
    const published = keys.map(({ kid, publicKey }) => ({
      ...publicKey.export({ format: 'jwk' }),
      kid,
      use: 'sig',
      alg: 'RS256',
    }));
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ keys: published }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const current = () => keys[keys.length - 1];
  return {
    jwksUrl: `http://127.0.0.1:${port}${JWKS_PATH}`,
    get kid() {
      return current().kid;
    },
    signatureHeader(rawBody) {
      const { kid, privateKey } = current();
      const signature = sign('sha256', Buffer.from(rawBody), privateKey).toString('base64url');
      return `alg=RS256; kid=${kid}; signature=${signature}`;
    },
    rotateKey() {
      keys.push(newKey(keys.length + 1));
      return current().kid;
    },
    failNext(fault, times = 1) {
      for (let i = 0; i < times; i += 1) faults.push(fault);
    },
    jwksRequests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
