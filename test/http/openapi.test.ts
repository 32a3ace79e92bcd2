import type Router from '@koa/router';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type Koa from 'koa';
import type { z } from 'zod';
import { errorBodySchema, type RouteDoc } from '../../src/http/openapi';
import { SMS_STATUSES } from '../../src/domain/sms-status';
import { ROUTE_DOCS } from '../../src/http/schemas';
import { pgTestDb, type TestDb } from '../helpers/db';
import { serve, type Reply, type TestServer } from '../helpers/http';
import {
  emulatorSender,
  startRecoveryFixture,
  type RecoveryFixture,
} from '../helpers/recovery-worker';
import { call, MONITORING_TASK_QUEUE, monitoringApp, type CallOptions } from '../monitoring/app';
import { ghostpay, newPaymentId } from './webhook-payloads';

// A worker answers the `state` query; nothing skips time, so recoveries stay waiting.
let fixture: RecoveryFixture;
let env: TestWorkflowEnvironment;
let testDb: TestDb;
let app: Koa;
let server: TestServer;

beforeAll(async () => {
  fixture = await startRecoveryFixture({ taskQueue: MONITORING_TASK_QUEUE, database: pgTestDb });
  ({ env, testDb } = fixture);
  const sms = emulatorSender(fixture.emulator);
  app = monitoringApp({ db: testDb.db, temporal: env.client, sms });
  server = await serve(app);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await fixture?.stop();
});

/** `GET /api/webhooks/events/{id}/` for every method and path the app's routers serve. */
function servedRoutes(koa: Koa): string[] {
  const layers = koa.middleware.flatMap((mw) => (mw as { router?: Router }).router?.stack ?? []);
  return layers.flatMap((layer) =>
    layer.methods
      .filter((method) => method !== 'HEAD') // @koa/router adds HEAD to every GET
      .map((method) => `${method} ${String(layer.path).replace(/:(\w+)/g, '{$1}')}`),
  );
}

interface Document {
  paths: Record<string, Record<string, unknown> & { 'x-trailing-slash-optional'?: boolean }>;
  components: { schemas: Record<string, unknown> };
}

function documentedRoutes(document: Document): string[] {
  return Object.entries(document.paths).flatMap(([path, item]) => {
    const methods = Object.keys(item).filter((key) => !key.startsWith('x-'));
    const spellings = item['x-trailing-slash-optional'] ? [path, path.replace(/\/$/, '')] : [path];
    return methods.flatMap((method) => spellings.map((p) => `${method.toUpperCase()} ${p}`));
  });
}

function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) =>
    key === '$ref' && typeof v === 'string' ? [v] : refsIn(v),
  );
}

async function openApi(): Promise<Document> {
  const reply = await call(server.url, '/api/openapi.json', { token: null });
  expect(reply.status).toBe(200);
  return reply.json as Document;
}

describe('the OpenAPI document', () => {
  test('lists exactly the routes the app serves, every method and path (slashless spellings included)', async () => {
    const document = await openApi();

    expect(documentedRoutes(document).sort()).toEqual(servedRoutes(app).sort());
  });

  test('is served without a token, as OpenAPI 3.1 with the bearer scheme on every monitoring operation', async () => {
    const document = (await openApi()) as Document & {
      openapi: string;
      components: { securitySchemes: object };
    };

    expect(document.openapi).toBe('3.1.0');
    expect(document.components.securitySchemes).toMatchObject({
      bearer: { type: 'http', scheme: 'bearer' },
    });
    expect(document.paths['/api/webhooks/events/'].get).toMatchObject({
      security: [{ bearer: [] }],
    });
    expect(document.paths['/api/webhooks/health/'].get).toMatchObject({ security: [] });
  });

  test("lists the SMS statuses as the SMS list's status filter's enum", async () => {
    const document = await openApi();

    const list = document.paths['/api/webhooks/sms-logs/'].get as {
      parameters: { name: string; in: string; schema: { enum?: string[] } }[];
    };
    const status = list.parameters.find((p) => p.name === 'status' && p.in === 'query');
    expect(status?.schema.enum).toEqual(SMS_STATUSES);
  });

  test('every $ref points at a schema it defines, and operation ids are unique', async () => {
    const document = await openApi();

    const refs = new Set(refsIn(document));
    for (const ref of refs) {
      expect(document.components.schemas).toHaveProperty([
        ref.replace('#/components/schemas/', ''),
      ]);
    }
    const ids = Object.values(document.paths).flatMap((item) =>
      Object.values(item).flatMap((op) =>
        typeof op === 'object' && op && 'operationId' in op ? [op.operationId] : [],
      ),
    );
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(ROUTE_DOCS.length);
  });
});

describe('the OpenAPI document is strict', () => {
  type Operation = {
    security: object[];
    responses: Record<string, unknown>;
    requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  };
  const operations = async () =>
    Object.values((await openApi()).paths).flatMap((item) =>
      Object.entries(item)
        .filter(([key]) => !key.startsWith('x-'))
        .map(([, op]) => op as Operation),
    );

  test('no operation has a catch-all `default` response; each documents 405, and 401 where a token is needed', async () => {
    for (const op of await operations()) {
      expect(Object.keys(op.responses)).not.toContain('default');
      expect(op.responses).toHaveProperty('405');
      if (JSON.stringify(op.security).includes('bearer'))
        expect(op.responses).toHaveProperty('401');
    }
  });

  test('every parameter has an example or an enumeration of its values', async () => {
    const document = (await openApi()) as unknown as {
      paths: Record<string, Record<string, { parameters?: { name: string; schema: object }[] }>>;
    };
    const parameters = Object.values(document.paths).flatMap((item) =>
      Object.values(item).flatMap((op) => (typeof op === 'object' ? (op.parameters ?? []) : [])),
    );
    expect(parameters.length).toBeGreaterThan(20);
    for (const { name, schema } of parameters) {
      const s = schema as { examples?: unknown[]; enum?: unknown[] };
      expect([name, Boolean(s.examples?.length || s.enum?.length)]).toEqual([name, true]);
    }
  });

  test('every JSON request body has an example, and the webhook bodies state what they require', async () => {
    const document = (await openApi()) as Document & {
      paths: Record<string, { post?: Operation }>;
    };
    for (const op of await operations()) {
      const json = op.requestBody?.content['application/json'];
      if (json) expect(json.schema.examples).toEqual(expect.any(Array));
    }
    const ghostpaySchema =
      document.paths['/api/webhooks/ghostpay/'].post!.requestBody!.content['application/json']
        .schema;
    expect(ghostpaySchema.required).toEqual(['paymentId', 'status']);
    const tribopaySchema =
      document.paths['/api/webhooks/tribopay/'].post!.requestBody!.content['application/json']
        .schema;
    expect(tribopaySchema.allOf).toHaveLength(2); // a payment id and a status, each at one of several paths
    expect(tribopaySchema.examples).toHaveLength(2); // the postback and the flat shape
  });
});

describe('real responses match the documented schemas', () => {
  const route = (operationId: string): RouteDoc =>
    ROUTE_DOCS.find((doc) => doc.operationId === operationId)!;

  /**
   * The status must be documented, and parsing with its schema must keep everything:
   * a field the schema doesn't describe would be stripped and fail the comparison.
   */
  function expectDocumented(doc: RouteDoc, reply: Reply): void {
    const documented = doc.responses[reply.status];
    const implied = reply.status === 401 && doc.security === 'bearer'; // the generator adds these
    if (!documented && !implied)
      throw new Error(`${doc.operationId} answered ${reply.status}, which it doesn't document`);
    const schema: z.ZodType = documented?.schema ?? errorBodySchema;
    const body: unknown = documented?.contentType?.startsWith('text/') ? reply.text : reply.json;
    expect(schema.parse(body)).toEqual(body);
  }

  async function check(operationId: string, path: string, options?: CallOptions): Promise<Reply> {
    const reply = await call(server.url, path, options);
    expectDocumented(route(operationId), reply);
    return reply;
  }

  test('for a recovery followed from its webhook through every monitoring view', async () => {
    const paymentId = newPaymentId('doc');
    const webhook = await check('ghostpayWebhook', '/api/webhooks/ghostpay/', {
      token: null,
      body: ghostpay(paymentId),
    });
    expect(webhook.status).toBe(202);
    await check('ghostpayWebhook', '/api/webhooks/ghostpay', {
      token: null,
      body: ghostpay(paymentId),
    });

    const list = await check('listEvents', '/api/webhooks/events/?limit=1');
    await check('listEvents', `/api/webhooks/events?limit=1&cursor=${list.json.next}`);
    await check('getEvent', `/api/webhooks/events/${webhook.json.eventId}/`);
    const payment = await check('getPayment', `/api/webhooks/payments/ghostpay/${paymentId}/`);
    expect(payment.json.workflow.state).toMatchObject({ status: 'waiting' });
    const sent = await check('sendTestSms', '/api/webhooks/test-sms/', {
      body: { phone_number: '11987654321' },
    });
    expect(sent.status).toBe(200);
    await check('listSms', '/api/webhooks/sms-logs/');
    await check('getStats', '/api/webhooks/stats/');
    await check('health', '/api/webhooks/health/', { token: null });
    await check('metrics', '/metrics', { token: null });
  });

  test.each([
    ['listEvents', '/api/webhooks/events/?limit=0', {}],
    ['listEvents', '/api/webhooks/events/', { token: null }],
    ['getEvent', '/api/webhooks/events/999999/', {}],
    ['getPayment', '/api/webhooks/payments/paypal/1/', {}],
    ['getPayment', '/api/webhooks/payments/tribopay/never-seen/', {}],
    ['sendTestSms', '/api/webhooks/test-sms/', { body: { phone_number: '(11) 3333-4444' } }],
    ['sendTestSms', '/api/webhooks/test-sms/', { body: 'oops', contentType: 'text/plain' }],
    ['tribopayWebhook', '/api/webhooks/tribopay/', { token: null, body: { hello: 'world' } }],
    [
      'twilioStatusCallback',
      '/api/webhooks/twilio/status/',
      { token: null, body: 'MessageSid=SM1', contentType: 'application/x-www-form-urlencoded' },
    ],
  ])('for the error answers of %s %s', async (operationId, path, options: CallOptions) => {
    const reply = await check(operationId, path, options);

    expect(reply.status).toBeGreaterThanOrEqual(400);
  });
});
