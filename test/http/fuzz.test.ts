import http from 'node:http';
import type Router from '@koa/router';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import fc from 'fast-check';
import twilio from 'twilio';
import type Koa from 'koa';
import { errorBodySchema, routePaths } from '../../src/http/openapi';
import { ROUTE_DOCS } from '../../src/http/schemas';
import { encodeCursor } from '../../src/monitoring/cursor';
import { startTwilioEmulator, type TwilioEmulator } from '../../src/twilio-emulator';
import { pgTestDb, type TestDb } from '../helpers/db';
import { serve, type TestServer } from '../helpers/http';
import { emulatorSender } from '../helpers/recovery-worker';
import { createTimeSkippingEnv } from '../helpers/temporal';
import { API_TOKEN, monitoringApp } from '../monitoring/app';
import { insertEvents } from '../monitoring/seed';
import { ghostpay, tribopayPostback } from './webhook-payloads';

// Arbitrary requests to every route the app serves must never get a 5xx, and every error
// must come in the one JSON shape. Real PostgreSQL, the time-skipping Temporal server (no
// worker, so `state` queries time out quickly) and the Twilio emulator.
const RUNS_PER_ROUTE = 150;

let env: TestWorkflowEnvironment;
let testDb: TestDb;
let emulator: TwilioEmulator;
let app: Koa;
let server: TestServer;

beforeAll(async () => {
  [env, testDb, emulator] = await Promise.all([
    createTimeSkippingEnv(),
    pgTestDb(),
    startTwilioEmulator(),
  ]);
  const sms = emulatorSender(emulator);
  app = monitoringApp({
    db: testDb.db,
    temporal: env.client,
    sms,
    stateTimeoutMs: 200,
    twilioCallbacks: { authToken: TWILIO_AUTH_TOKEN, publicUrl: PUBLIC_URL, unknownSidWaitMs: 0 },
  });
  server = await serve(app);
  // Something for the single-item views to find.
  await insertEvents(
    testDb.db,
    PAYMENT_IDS.map((paymentId) => ({
      gateway: 'tribopay',
      paymentId,
      method: 'pix',
      status: 'waiting',
      receivedAt: new Date(),
    })),
  );
}, 60_000);

afterAll(async () => {
  await server?.close();
  await Promise.all([env?.teardown(), emulator?.close(), testDb?.drop()]);
});

interface Route {
  method: string;
  path: string;
}

function servedRoutes(koa: Koa): Route[] {
  const layers = koa.middleware.flatMap((mw) => (mw as { router?: Router }).router?.stack ?? []);
  return layers.flatMap((layer) =>
    layer.methods
      .filter((m) => m !== 'HEAD')
      .map((method) => ({ method, path: String(layer.path) })),
  );
}

// ---- what goes into a request --------------------------------------------------------

const PAYMENT_IDS = ['fuzz-1', 'fuzz-2', 'fuzz-3'];

/** Any text, percent-encoded the way a client would (lone surrogates become U+FFFD). */
function encoded(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
}

/** Characters a request line may carry as they are, `%` included, so escapes can be broken. */
const rawText = fc.string({
  unit: fc.constantFrom(..."%0aF9zZ-_.~!$&'()*+,;=:@/?#[]"),
  maxLength: 12,
});

const anyText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', 'a\u0000b', 'x'.repeat(300), '\ud800', 'ção'),
);

const cursors = [
  encodeCursor('events', 1),
  encodeCursor('sms-logs', 1),
  encodeCursor('suppressions', 1),
  'events.9007199254740993',
  'events.-1',
  'events.01',
  'events.1e3',
  'sms-logs.1',
  '__proto__.1',
];

const interestingValues = fc.constantFrom(
  ...[
    '0',
    '1',
    '50',
    '200',
    '201',
    '-1',
    '1.5',
    '1e3',
    '0x10',
    'NaN',
    'Infinity',
    '9007199254740993',
    '99999999999999999999',
  ],
  ...[
    '2026-11-28',
    '2026-11-28T21:30:00Z',
    '2026-11-28T21:30:00-03:00',
    '2026-02-30',
    '0000-01-01T00:00:00Z',
  ],
  ...['9999-12-31T23:59:59.999999999Z', '+275760-09-13T00:00:00Z', 'now', 'yesterday'],
  ...[
    'tribopay',
    'ghostpay',
    'TRIBOPAY',
    'paypal',
    'pix',
    'waiting',
    'paid',
    'delivered',
    'other',
    'manual',
    'opt_out_reply',
    '__proto__',
    'constructor',
  ],
  ...cursors,
);

const paramNames = fc.constantFrom(
  'limit',
  'cursor',
  'from',
  'to',
  'gateway',
  'payment_id',
  'payment_method',
  'payment_status',
  'status',
  'reason',
  'token',
  '__proto__',
  'constructor',
  'limit[]',
  'from[gt]',
);

const queryPart = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.tuple(paramNames, interestingValues).map(([k, v]) => `${k}=${encoded(v)}`),
  },
  fc
    .tuple(fc.oneof(paramNames, anyText), fc.oneof(interestingValues, anyText))
    .map(([k, v]) => `${encoded(k)}=${encoded(v)}`),
  fc.tuple(paramNames, rawText).map(([k, v]) => `${k}=${v}`),
  paramNames,
);
const queryString = fc
  .array(queryPart, { maxLength: 5 })
  .map((parts) => (parts.length ? `?${parts.join('&')}` : ''));

/** A path parameter: mostly plausible for its name, sometimes anything at all. */
function pathParam(name: string): fc.Arbitrary<string> {
  const plausible: Record<string, string[]> = {
    ':id': ['1', '2', '3', '0', '-1', '1e3', '9007199254740993'],
    ':gateway': ['tribopay', 'ghostpay', 'paypal', 'TRIBOPAY'],
    ':payment_id': [...PAYMENT_IDS, 'x', '..'],
  };
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...(plausible[name] ?? ['x'])) },
    anyText.filter((t) => t !== '').map(encoded),
    rawText.filter((t) => t !== '' && !/[/?#]/.test(t)),
  );
}

/** Header values Node will send: tab, visible ASCII and Latin-1, no CR/LF. */
const headerValue = fc.oneof(
  fc.stringMatching(/^[\t\x20-\x7e\x80-\xff]{0,80}$/),
  fc.constantFrom('', 'null', '-1', 'gzip', 'x'.repeat(500)),
);

const contentType = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=iso-8859-1',
    'application/json; charset=utf-16',
    'application/json; charset="bogus"',
    'application/vnd.api+json',
    'application/x-www-form-urlencoded',
    'text/plain',
    'multipart/form-data; boundary=x',
    'application/JSON',
  ),
  headerValue,
);

const authorization = fc.oneof(
  { weight: 6, arbitrary: fc.constant(`Bearer ${API_TOKEN}`) },
  fc.constantFrom(
    `bearer ${API_TOKEN}`,
    `Bearer  ${API_TOKEN} `,
    'Bearer',
    'Bearer wrong',
    `Basic ${API_TOKEN}`,
  ),
  headerValue,
);

const extraHeaders = fc.dictionary(
  fc.constantFrom(
    'x-request-id',
    'x-webhook-token',
    'accept',
    'accept-charset',
    'content-encoding',
    'x-forwarded-for',
    'x-forwarded-proto',
    'x-forwarded-host',
    'x-twilio-signature',
    'origin',
    'if-none-match',
    'x-custom',
  ),
  headerValue,
  { maxKeys: 4 },
);

const jsonish = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  anyText,
  fc.constantFrom(null, true, 0, -1, 1e308, [], {}),
);

/** Mostly one of the plausible values, sometimes anything at all. */
function usually(...plausible: unknown[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...plausible) },
    { weight: 1, arbitrary: jsonish },
  );
}

const phone = usually('21987654321', '(11) 98765-4321', '(11) 3333-4444', '+15005550006', '');
const name = usually('Maria Silva', 'JOÃO', '', 'a\u0000b');

const tribopayBody = fc
  .record({
    id: usually(...PAYMENT_IDS),
    status: usually('waiting_payment', 'paid', 'waiting', 'refused', 'antifraud'),
    method: usually('pix', 'credit_card'),
    amount: usually('4990', 4990, '49,90'),
    phone,
    name,
  })
  .map((f) => ({
    ...tribopayPostback('x'),
    status: f.status,
    method: f.method,
    customer: { name: f.name, phone_number: f.phone },
    transaction: { id: f.id, amount: f.amount },
  }));

const ghostpayBody = fc
  .record({
    id: usually(...PAYMENT_IDS),
    status: usually('PENDING', 'APPROVED', 'REJECTED', 'IN_REVIEW'),
    method: usually('PIX', 'CREDIT_CARD'),
    total: usually(4990, -1, 1e20),
    phone,
    name,
  })
  .map((f) => ({
    ...ghostpay('x'),
    paymentId: f.id,
    status: f.status,
    paymentMethod: f.method,
    totalValue: f.total,
    customer: { name: f.name, phone: f.phone },
  }));

const testSmsBody = fc.record(
  {
    phone_number: phone,
    message: usually('Teste', 'x'.repeat(320), 'x'.repeat(321), '  ', 'ação \u0000'),
  },
  { requiredKeys: [] },
);

const suppressionBody = fc.record(
  {
    phone_number: usually('+5511987654321', '5521987654321', '+15005550006', '+999', 'x'),
    note: usually('asked by phone', '', ' ', 'x'.repeat(513), 'ação \u0000'),
  },
  { requiredKeys: [] },
);

/** JSON bodies shaped like what the route expects, any field sometimes replaced by anything. */
function shapedJson(path: string): fc.Arbitrary<Buffer> {
  const shaped = path.includes('tribopay')
    ? tribopayBody
    : path.includes('ghostpay')
      ? ghostpayBody
      : path.includes('suppressions')
        ? suppressionBody
        : testSmsBody;
  return fc
    .tuple(shaped, fc.dictionary(anyText, jsonish, { maxKeys: 2 }))
    .map(([value, extra]) => Buffer.from(JSON.stringify({ ...extra, ...value })));
}

const TWILIO_AUTH_TOKEN = 'fuzz-twilio-auth-token';
const PUBLIC_URL = 'https://recovery.example.com';

/** Status callbacks as Twilio posts them, signed (usually) the way Twilio signs them. */
function twilioForm(path: string): fc.Arbitrary<{ body: Buffer; signature: string }> {
  return fc
    .record(
      {
        MessageSid: usually(`SM${'a'.repeat(32)}`, 'SM1'),
        MessageStatus: usually('sent', 'delivered', 'undelivered', 'failed', 'read'),
        ErrorCode: usually('30006', '', 'x'),
      },
      { requiredKeys: [] },
    )
    .chain((fields) => {
      const params = Object.fromEntries(
        Object.entries(fields).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
      );
      const valid = twilio.getExpectedTwilioSignature(TWILIO_AUTH_TOKEN, PUBLIC_URL + path, params);
      return fc.record({
        body: fc.constant(Buffer.from(new URLSearchParams(params).toString())),
        signature: fc.oneof(
          { weight: 3, arbitrary: fc.constant(valid) },
          { weight: 1, arbitrary: headerValue },
        ),
      });
    });
}

function bodyFor(path: string): fc.Arbitrary<Buffer> {
  return fc.oneof(
    { weight: 6, arbitrary: shapedJson(path) },
    { weight: 1, arbitrary: fc.json({ maxDepth: 3 }).map((text) => Buffer.from(text)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes)) },
    {
      weight: 1,
      arbitrary: fc
        .string({ unit: 'binary', maxLength: 500 })
        .map((text) => Buffer.from(text, 'latin1')),
    },
    { weight: 1, arbitrary: fc.constant(Buffer.alloc(0)) },
  );
}

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | null;
}

function requestFor(route: Route): fc.Arbitrary<FuzzRequest> {
  const names = route.path.match(/:\w+/g) ?? [];
  const isTwilio = route.path.includes('twilio');
  return fc
    .record({
      method: fc.oneof(
        { weight: 8, arbitrary: fc.constant(route.method) },
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'),
      ),
      params: fc.tuple(...names.map(pathParam)),
      slash: fc.boolean(),
      query: queryString,
      authorization: fc.oneof(
        { weight: 6, arbitrary: fc.constant(`Bearer ${API_TOKEN}`) },
        { weight: 1, arbitrary: authorization },
        fc.constant(undefined),
      ),
      contentType: fc.oneof(
        {
          weight: 6,
          arbitrary: fc.constant(
            isTwilio ? 'application/x-www-form-urlencoded' : 'application/json',
          ),
        },
        { weight: 2, arbitrary: contentType },
        fc.constant(undefined),
      ),
      headers: extraHeaders,
      body: fc.option(bodyFor(route.path), { nil: null, freq: 6 }),
      twilio: twilioForm(route.path.replace(/\/?$/, '/')),
    })
    .map((r) => {
      let i = 0;
      const filled = route.path.replace(/:\w+/g, () => r.params[i++]);
      const path = (r.slash ? filled.replace(/\/?$/, '/') : filled.replace(/\/$/, '')) + r.query;
      const headers: Record<string, string> = { ...r.headers };
      if (r.authorization !== undefined) headers.authorization = r.authorization;
      if (r.contentType !== undefined) headers['content-type'] = r.contentType;
      if (isTwilio) headers['x-twilio-signature'] = r.twilio.signature;
      const body = isTwilio && r.body !== null ? r.twilio.body : r.body;
      return {
        method: r.method,
        path,
        headers,
        body: r.method === 'GET' || r.method === 'HEAD' ? null : body,
      };
    });
}

// ---- sending it ----------------------------------------------------------------------

function send(request: FuzzRequest): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(server.url);
  // Node's client sends a DELETE or OPTIONS body with no length at all unless told.
  const length = request.body ? { 'content-length': String(request.body.length) } : {};
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        hostname,
        port,
        method: request.method,
        path: request.path,
        headers: { ...request.headers, ...length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(request.body ?? undefined);
  });
}

function isErrorShape(text: string): boolean {
  try {
    return errorBodySchema.safeParse(JSON.parse(text)).success;
  } catch {
    return false;
  }
}

/** Every route, one case per spelling; test/http/openapi.test.ts holds ROUTE_DOCS to what is served. */
const ROUTES: Route[] = ROUTE_DOCS.flatMap((doc) =>
  routePaths(doc).map((path) => ({ method: doc.method.toUpperCase(), path })),
);

describe('webhook text PostgreSQL or Temporal cannot store (known bugs, outside the monitoring API)', () => {
  const postWebhook = (body: object) =>
    send({
      method: 'POST',
      path: '/api/webhooks/ghostpay/',
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify(body)),
    });

  // PostgreSQL text can't hold U+0000: the normalised copy drops it (raw_body keeps the escape).
  test('a NUL in the customer name (JSON \\u0000) is recorded and answered 202, not 503', async () => {
    const reply = await postWebhook({
      ...ghostpay('nul-1'),
      customer: { name: 'Maria\u0000', phone: '21987654321' },
    });

    expect(reply.status).toBe(202);
  });

  // Temporal refuses a workflow id that isn't valid UTF-8: the id is refused up front.
  test('a payment id that is a lone surrogate (JSON \\ud800) is refused with 422, not 503', async () => {
    const reply = await postWebhook({ ...ghostpay('x'), paymentId: '\ud800' });

    expect(reply.status).toBe(422);
  });
});

describe('arbitrary bodies, content types, headers and query strings', () => {
  test('cover every route the app serves', () => {
    expect(ROUTES.map((r) => `${r.method} ${r.path}`).sort()).toEqual(
      servedRoutes(app)
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
    );
  });

  test.each(ROUTES.map((r) => [r.method, r.path, r] as const))(
    '%s %s never get a 5xx; every error is the JSON error shape',
    async (_m, _p, route) => {
      await fc.assert(
        fc.asyncProperty(requestFor(route), async (request) => {
          const reply = await send(request);
          if (reply.status >= 500)
            throw new Error(
              `${reply.status} for ${JSON.stringify({ ...request, body: request.body?.toString('latin1') })}: ${reply.text}`,
            );
          if (reply.status >= 400 && request.method !== 'HEAD' && !isErrorShape(reply.text)) {
            throw new Error(`${reply.status} without the error shape: ${reply.text.slice(0, 200)}`);
          }
        }),
        { numRuns: RUNS_PER_ROUTE },
      );
    },
  );
});
