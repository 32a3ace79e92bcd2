import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { MAX_BODY_BYTES } from '../../src/http/raw-body';
import { pgTestDb, sqliteTestDb, type TestDb } from '../helpers/db';
import { intakeApp, serve, type PostOptions, type Reply, type TestServer } from '../helpers/http';
import { createTimeSkippingEnv } from '../helpers/temporal';
import { ghostpay, newPaymentId, tribopayPostback } from './webhook-payloads';

// No worker: recoveries are started and stay scheduled, which is all the intake does.
const SECRET = 'shared-webhook-secret';

let env: TestWorkflowEnvironment;
let testDb: TestDb;
let open: TestServer;
let guarded: TestServer;

beforeAll(async () => {
  [env, testDb] = await Promise.all([createTimeSkippingEnv(), pgTestDb()]);
  open = await serve(intakeApp({ db: testDb.db, temporal: env.client }));
  guarded = await serve(intakeApp({ db: testDb.db, temporal: env.client, webhookSecret: SECRET }));
}, 60_000);

afterAll(async () => {
  await Promise.all([open?.close(), guarded?.close()]);
  await Promise.all([env?.teardown(), testDb?.drop()]);
});

async function storedRows(): Promise<number> {
  const [{ n }] = await testDb.db('webhook_events').count({ n: '*' });
  return Number(n);
}

function rowsFor(paymentId: string) {
  return testDb.db('webhook_events').where({ payment_id: paymentId });
}

/** A valid GhostPay body padded (in an extra field gateways may send) to exactly `bytes`. */
function ghostpayOfSize(bytes: number): Buffer {
  const body = { ...ghostpay(newPaymentId('big')), padding: '' };
  const overhead = Buffer.byteLength(JSON.stringify(body));
  return Buffer.from(JSON.stringify({ ...body, padding: 'x'.repeat(bytes - overhead) }));
}

const post = (path: string, body: string | Buffer | object, options?: PostOptions) =>
  open.post(path, body, options);

describe('requests the intake refuses, storing nothing', () => {
  test.each<[string, number, () => Promise<Reply>]>([
    [
      'a body that is not JSON',
      400,
      () => post('/api/webhooks/ghostpay/', '{"paymentId": "refused-1", "status": '),
    ],
    [
      'a text/plain body',
      415,
      () =>
        post('/api/webhooks/ghostpay/', ghostpay(newPaymentId('refused')), {
          contentType: 'text/plain',
        }),
    ],
    [
      'a form-encoded body',
      415,
      () =>
        post('/api/webhooks/tribopay/', 'id=refused-3&payment_status=paid', {
          contentType: 'application/x-www-form-urlencoded',
        }),
    ],
    [
      'a body without a Content-Type',
      415,
      () =>
        post('/api/webhooks/tribopay/', tribopayPostback(newPaymentId('refused')), {
          contentType: null,
        }),
    ],
    [
      'a body one byte over 1 MiB',
      413,
      () => post('/api/webhooks/ghostpay/', ghostpayOfSize(MAX_BODY_BYTES + 1)),
    ],
    [
      'a chunked body over 1 MiB',
      413,
      () =>
        post('/api/webhooks/ghostpay/', ghostpayOfSize(MAX_BODY_BYTES + 100), { chunked: true }),
    ],
    ['JSON of the wrong shape', 422, () => post('/api/webhooks/ghostpay/', { status: 'PENDING' })],
    [
      'a missing webhook token',
      401,
      () => guarded.post('/api/webhooks/ghostpay/', ghostpay(newPaymentId('refused'))),
    ],
    [
      'an unknown gateway',
      404,
      () => post('/api/webhooks/pagseguro/', ghostpay(newPaymentId('refused'))),
    ],
    ['a GET on a webhook', 405, () => fetch(`${open.url}/api/webhooks/ghostpay`).then(toReply)],
  ])(
    '%s is answered %i in the one error shape, with an X-Request-Id',
    async (_what, status, send) => {
      const before = await storedRows();

      const reply = await send();

      expect(reply.status).toBe(status);
      const requestId = reply.headers.get('x-request-id');
      expect(requestId).toBeTruthy();
      expect(reply.json).toEqual({
        error: {
          status,
          message: expect.any(String),
          requestId,
          ...(status === 422 ? { issues: expect.any(Array) } : {}),
        },
      });
      expect(await storedRows()).toBe(before);
    },
  );

  test('a GET on a webhook names the method it allows', async () => {
    const reply = await fetch(`${open.url}/api/webhooks/tribopay/`);

    expect(reply.status).toBe(405);
    expect(reply.headers.get('allow')).toBe('POST');
  });

  test('a body of exactly 1 MiB is still accepted', async () => {
    const reply = await post('/api/webhooks/ghostpay/', ghostpayOfSize(MAX_BODY_BYTES));

    expect(reply.status).toBe(202);
    expect(reply.json.outcome).toBe('scheduled');
  });

  test('GhostPay JSON of the wrong shape gets a 422 naming every bad field', async () => {
    const reply = await post('/api/webhooks/ghostpay/', {
      status: 7,
      paymentMethod: 'PIX',
      totalValue: '49.90',
      customer: { phone: { ddd: 11 } },
    });

    expect(reply.status).toBe(422);
    expect(reply.json.error.message).toBe('not a valid ghostpay webhook');
    expect(reply.json.error.issues).toEqual(
      expect.arrayContaining([
        { path: 'paymentId', message: 'is required' },
        { path: 'status', message: 'must be a string' },
        { path: 'totalValue', message: expect.stringContaining('centavos') },
        { path: 'customer.phone', message: 'must be a string' },
      ]),
    );
    expect(reply.json.error.issues).toHaveLength(4);
  });

  test('TriboPay JSON without a payment id or status gets a 422 naming each', async () => {
    const reply = await post('/api/webhooks/tribopay/', {
      event: 'transaction',
      transaction: { amount: 'abc' },
    });

    expect(reply.status).toBe(422);
    expect(reply.json.error.issues).toEqual([
      { path: 'transaction.amount', message: expect.stringContaining('centavos') },
      { path: 'transaction.id', message: expect.stringContaining('a payment id is required') },
      { path: 'status', message: expect.stringContaining('a status is required') },
    ]);
  });

  test('a JSON array instead of an object gets a 422 about the body itself', async () => {
    const reply = await post('/api/webhooks/ghostpay/', '[]');

    expect(reply.status).toBe(422);
    expect(reply.json.error.issues).toEqual([{ path: '(root)', message: expect.any(String) }]);
  });
});

describe('a webhook secret', () => {
  test.each<[string, PostOptions, string]>([
    ['no token', {}, ''],
    ['a wrong X-Webhook-Token header', { headers: { 'X-Webhook-Token': 'guess' } }, ''],
    ['a wrong ?token=', {}, '?token=guess'],
    [
      'the secret with a character missing',
      { headers: { 'X-Webhook-Token': SECRET.slice(0, -1) } },
      '',
    ],
  ])('refuses a webhook with %s: 401, nothing stored', async (_what, options, query) => {
    const id = newPaymentId('secret');

    const reply = await guarded.post(`/api/webhooks/ghostpay/${query}`, ghostpay(id), options);

    expect(reply.status).toBe(401);
    expect(reply.json.error.message).toBe('missing or wrong webhook token');
    expect(await rowsFor(id)).toHaveLength(0);
  });

  test.each<[string, PostOptions, string]>([
    ['the X-Webhook-Token header', { headers: { 'X-Webhook-Token': SECRET } }, ''],
    ['the ?token= query parameter', {}, `?token=${SECRET}`],
  ])('accepts a webhook that presents it in %s', async (_what, options, query) => {
    const id = newPaymentId('secret');

    const reply = await guarded.post(
      `/api/webhooks/tribopay${query}`,
      tribopayPostback(id),
      options,
    );

    expect(reply.status).toBe(202);
    expect(reply.json.outcome).toBe('scheduled');
    expect(await rowsFor(id)).toHaveLength(1);
  });
});

describe('character sets', () => {
  test.each<[string, BufferEncoding, string]>([
    ['UTF-8 bytes without a charset', 'utf8', 'application/json'],
    ['ISO-8859-1 bytes declared as such', 'latin1', 'application/json; charset=ISO-8859-1'],
    ['ISO-8859-1 bytes without a charset', 'latin1', 'application/json'],
  ])(
    'a GhostPay body in %s is stored decoded, with "João" intact',
    async (_what, encoding, contentType) => {
      const id = newPaymentId('charset');
      const text = JSON.stringify(ghostpay(id, { name: 'João' }));

      const reply = await post('/api/webhooks/ghostpay/', Buffer.from(text, encoding), {
        contentType,
      });

      expect(reply.status).toBe(202);
      expect(await rowsFor(id)).toMatchObject([
        { customer_name: 'João', raw_body: text, content_type: contentType },
      ]);
    },
  );
});

describe('fields longer than their audit columns', () => {
  test('a paid webhook with a 300-character customer name is stored, clipped, with the full name kept in raw_body', async () => {
    const id = newPaymentId('long');
    const name = 'Maria '.repeat(50);
    const text = JSON.stringify(ghostpay(id, { status: 'APPROVED', name }));

    const reply = await post('/api/webhooks/ghostpay/', text);

    expect(reply.status).toBe(202);
    expect(reply.json.outcome).toBe('signalled');
    const [row] = await rowsFor(id);
    expect(row.customer_name).toBe(name.slice(0, 256));
    expect(row.raw_body).toBe(text);
  });

  test('a Content-Type with long parameters is accepted and stored clipped', async () => {
    const id = newPaymentId('long');
    const contentType = `application/json; charset=utf-8; note=${'x'.repeat(150)}`;

    const reply = await post('/api/webhooks/ghostpay/', ghostpay(id), { contentType });

    expect(reply.status).toBe(202);
    expect(await rowsFor(id)).toMatchObject([{ content_type: contentType.slice(0, 128) }]);
  });
});

test('on SQLite too, a webhook is stored and scheduled', async () => {
  const sqlite = await sqliteTestDb();
  const server = await serve(intakeApp({ db: sqlite.db, temporal: env.client }));
  try {
    const id = newPaymentId('sqlite');

    const reply = await server.post('/api/webhooks/tribopay/', tribopayPostback(id));

    expect(reply.status).toBe(202);
    expect(reply.json).toMatchObject({
      outcome: 'scheduled',
      workflowId: `recovery:tribopay:${id}`,
    });
    expect(await sqlite.db('webhook_events').where({ payment_id: id })).toMatchObject([
      { outcome: 'scheduled' },
    ]);
    expect(await env.client.workflow.getHandle(`recovery:tribopay:${id}`).describe()).toMatchObject(
      { status: { name: 'RUNNING' } },
    );
  } finally {
    await server.close();
    await sqlite.drop();
  }
});

async function toReply(response: Response): Promise<Reply> {
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: JSON.parse(text) };
}
