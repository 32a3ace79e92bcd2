import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import pino from 'pino';
import { AesGcmPayloadCodec } from '../../src/temporal/codec';
import type { PayloadKey } from '../../src/temporal/payload-keys';
import { sqliteTestDb, type TestDb } from '../helpers/db';
import { serve, type TestServer } from '../helpers/http';
import { call, monitoringApp } from '../monitoring/app';

const CODEC_TOKEN = 'codec-test-token-0123456789';
const API_TOKEN = 'monitoring-test-token-0123456789';
const UI = 'http://temporal-ui.test:8080';
const OLD: PayloadKey = { id: 'k-old', key: Buffer.alloc(32, 1) };
const NEW: PayloadKey = { id: 'k-new', key: Buffer.alloc(32, 2) };
const customer = { phoneE164: '+5511987654321', customerName: 'Maria Silva' };

const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? []).toString('base64'),
});
const fromJson = (p: { metadata: Record<string, string>; data: string }): Payload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')]),
  ),
  data: Buffer.from(p.data, 'base64'),
});

let testDb: TestDb;
let server: TestServer;
const logged: Record<string, unknown>[] = [];

beforeAll(async () => {
  testDb = await sqliteTestDb();
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => void logged.push(JSON.parse(line) as Record<string, unknown>) },
  );
  // The codec routes never reach Temporal: a client that never connects is enough.
  const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  server = await serve(
    monitoringApp({
      db: testDb.db,
      temporal,
      logger,
      codecServer: {
        codec: new AesGcmPayloadCodec([NEW, OLD]),
        codecTokens: { codec: CODEC_TOKEN, api: API_TOKEN },
        codecUiSession: 'ui-session-secret-0123456789',
        uiUrls: [UI],
      },
    }),
  );
});

afterAll(async () => {
  await server?.close();
  await testDb?.drop();
});

async function sealed(keys: PayloadKey[]): Promise<ReturnType<typeof toJson>> {
  const [payload] = await new AesGcmPayloadCodec(keys).encode([
    defaultPayloadConverter.toPayload(customer),
  ]);
  return toJson(payload);
}

describe('the codec server', () => {
  test('answers 401 without a token, or with a wrong one, and decodes nothing', async () => {
    const body = { payloads: [await sealed([NEW])] };
    for (const token of [null, 'not-the-token-0123456789']) {
      const reply = await call(server.url, '/codec/decode', { method: 'POST', token, body });
      expect(reply.status).toBe(401);
      expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(reply.text).not.toContain('Maria');
    }
  });

  test('decodes with CODEC_TOKEN or the API token, at /codec/ and at /codec/{namespace}/', async () => {
    const body = { payloads: [await sealed([NEW])] };
    for (const [path, token] of [
      ['/codec/decode', CODEC_TOKEN],
      ['/codec/default/decode', API_TOKEN],
    ]) {
      const reply = await call(server.url, path, { method: 'POST', token, body });
      expect(reply.status).toBe(200);
      const [decoded] = (reply.json as { payloads: Parameters<typeof fromJson>[0][] }).payloads;
      expect(defaultPayloadConverter.fromPayload(fromJson(decoded))).toEqual(customer);
    }
  });

  test('decodes a payload under a rotated-out key that is still listed', async () => {
    const body = { payloads: [await sealed([OLD])] };
    const reply = await call(server.url, '/codec/decode', {
      method: 'POST',
      token: CODEC_TOKEN,
      body,
    });
    expect(reply.status).toBe(200);
    expect(defaultPayloadConverter.fromPayload(fromJson(reply.json.payloads[0] as never))).toEqual(
      customer,
    );
  });

  test('fails loudly, naming the key id, for a payload under a key it does not hold', async () => {
    const body = { payloads: [await sealed([{ id: 'k-lost', key: Buffer.alloc(32, 9) }])] };
    const reply = await call(server.url, '/codec/decode', {
      method: 'POST',
      token: CODEC_TOKEN,
      body,
    });
    expect(reply.status).toBe(422);
    expect(reply.json.error.message).toContain('key id "k-lost"');
  });

  test('encodes under the current key, so the CLI can send encrypted input', async () => {
    const body = { payloads: [toJson(defaultPayloadConverter.toPayload(customer))] };
    const reply = await call(server.url, '/codec/encode', {
      method: 'POST',
      token: CODEC_TOKEN,
      body,
    });
    expect(reply.status).toBe(200);
    const [encoded] = reply.json.payloads as Parameters<typeof fromJson>[0][];
    expect(Buffer.from(encoded.metadata['encryption-key-id'], 'base64').toString()).toBe('k-new');
    expect(Buffer.from(encoded.data, 'base64').toString('latin1')).not.toContain('Maria');
  });

  test("answers CORS preflights and requests with headers for the Web UI's origin only", async () => {
    const preflight = (origin: string) =>
      fetch(`${server.url}/codec/decode`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-namespace,authorization',
        },
      });
    const fromUi = await preflight(UI);
    expect(fromUi.status).toBe(204);
    expect(fromUi.headers.get('access-control-allow-origin')).toBe(UI);
    expect(fromUi.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
    expect(fromUi.headers.get('access-control-allow-headers')).toMatch(/x-namespace/i);

    const elsewhere = await preflight('http://evil.test');
    expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull();

    const decoded = await call(server.url, '/codec/decode', {
      method: 'POST',
      token: CODEC_TOKEN,
      headers: { origin: UI },
      body: { payloads: [] },
    });
    expect(decoded.headers.get('access-control-allow-origin')).toBe(UI);
  });

  test("the npm start Web UI's per-run path works without a header; a wrong one is refused", async () => {
    const body = { payloads: [await sealed([NEW])] };
    const ok = await call(server.url, '/codec/session/ui-session-secret-0123456789/decode', {
      method: 'POST',
      token: null,
      body,
    });
    expect(ok.status).toBe(200);
    const wrong = await call(server.url, '/codec/session/guess/decode', {
      method: 'POST',
      token: null,
      body,
    });
    expect(wrong.status).toBe(401);
  });

  test('logs each decode with the caller, namespace and workflow, never the payloads', async () => {
    logged.length = 0;
    await call(server.url, '/codec/decode', {
      method: 'POST',
      token: CODEC_TOKEN,
      headers: {
        'x-namespace': 'default',
        referer: `${UI}/namespaces/default/workflows/recovery%3Atribopay%3Ap-1/run/history`,
      },
      body: { payloads: [await sealed([NEW])] },
    });
    const line = logged.find((l) => l.msg === 'codec decode');
    expect(line).toMatchObject({
      caller: 'codec-token',
      namespace: 'default',
      workflowId: 'recovery:tribopay:p-1',
      payloads: 1,
    });
    expect(JSON.stringify(logged)).not.toMatch(/Maria|98765|CODEC|codec-test-token/);
  });

  test('refuses a body that is not a list of payloads', async () => {
    const reply = await call(server.url, '/codec/decode', {
      method: 'POST',
      token: CODEC_TOKEN,
      body: { payloads: [{ data: 5 }] },
    });
    expect(reply.status).toBe(422);
  });
});
