import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { GATEWAYS, PAYMENT_METHODS, PAYMENT_STATUSES } from '../../src/domain/payment-event';
import { eventDetailSchema, eventSummarySchema, pageSchema } from '../../src/monitoring/shapes';
import { pgTestDb, type TestDb } from '../helpers/db';
import { serve, type TestServer } from '../helpers/http';
import { createTimeSkippingEnv } from '../helpers/temporal';
import { ghostpay, MOBILE_E164, newPaymentId } from '../http/webhook-payloads';
import { call, monitoringApp } from './app';
import { insertEvents, insertSms, insertTransitions, minutesAfter, type SeedEvent } from './seed';

// 450 events across gateways, methods and statuses, one a minute, with every tenth minute
// shared by two events so the id has to break the tie.
const BASE = new Date('2026-11-01T12:00:00Z');
const EVENTS: SeedEvent[] = Array.from({ length: 450 }, (_, i) => ({
  gateway: GATEWAYS[i % 2],
  paymentId: `seed-${i % 150}`,
  method: PAYMENT_METHODS[i % 3],
  status: PAYMENT_STATUSES[i % 4],
  receivedAt: minutesAfter(BASE, i - (i % 10 === 1 ? 1 : 0)),
  phoneE164: i % 5 === 0 ? MOBILE_E164 : null,
}));
const eventsPage = pageSchema(eventSummarySchema, 'WebhookEventPage');

let env: TestWorkflowEnvironment;
let testDb: TestDb;
let server: TestServer;
let seededIds: number[];

beforeAll(async () => {
  [env, testDb] = await Promise.all([createTimeSkippingEnv(), pgTestDb()]);
  seededIds = await insertEvents(testDb.db, EVENTS);
  server = await serve(monitoringApp({ db: testDb.db, temporal: env.client }));
}, 60_000);

afterAll(async () => {
  await server?.close();
  await Promise.all([env?.teardown(), testDb?.drop()]);
});

const get = (path: string) => call(server.url, path);

/** Follows `next` to the end; every page must parse with the documented schema. */
async function allPages(
  path: string,
  after: string | null = null,
): Promise<{ ids: number[]; pages: number }> {
  const ids: number[] = [];
  let pages = 0;
  let next = after;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const reply = await get(next ? `${path}${separator}cursor=${encodeURIComponent(next)}` : path);
    expect(reply.status).toBe(200);
    const page = eventsPage.parse(reply.json);
    ids.push(...page.items.map((e) => e.id));
    next = page.next;
    pages += 1;
  } while (next);
  return { ids, pages };
}

/** Seeded ids matching `keep`, newest first by (received time, id). */
function expectedIds(keep: (e: SeedEvent) => boolean): number[] {
  return EVENTS.map((e, i) => ({ e, id: seededIds[i] }))
    .filter(({ e }) => keep(e))
    .sort((a, b) => b.e.receivedAt.getTime() - a.e.receivedAt.getTime() || b.id - a.id)
    .map(({ id }) => id);
}

describe('listing webhook events', () => {
  test('paging with the default size walks all 450 events newest first, each exactly once', async () => {
    const { ids, pages } = await allPages('/api/webhooks/events/');

    expect(pages).toBe(9);
    expect(ids).toEqual(expectedIds(() => true));
  });

  test('limit=200 gives pages of 200, 200 and 50, without the trailing slash too', async () => {
    const first = eventsPage.parse((await get('/api/webhooks/events?limit=200')).json);
    const second = eventsPage.parse(
      (await get(`/api/webhooks/events?limit=200&cursor=${first.next}`)).json,
    );
    const third = eventsPage.parse(
      (await get(`/api/webhooks/events?limit=200&cursor=${second.next}`)).json,
    );

    expect([first.items.length, second.items.length, third.items.length]).toEqual([200, 200, 50]);
    expect(third.next).toBeNull();
  });

  test('events received while a client pages never shift its pages: no repeats, no gaps', async () => {
    const filter = '/api/webhooks/events/?gateway=ghostpay&limit=20';
    const first = eventsPage.parse((await get(filter)).json);
    const late = await insertEvents(testDb.db, [
      {
        gateway: 'ghostpay',
        paymentId: 'late-1',
        method: 'pix',
        status: 'waiting',
        receivedAt: new Date(),
      },
      {
        gateway: 'ghostpay',
        paymentId: 'late-2',
        method: 'pix',
        status: 'paid',
        receivedAt: new Date(),
      },
    ]);

    try {
      const rest = await allPages(filter, first.next);

      expect([...first.items.map((e) => e.id), ...rest.ids]).toEqual(
        expectedIds((e) => e.gateway === 'ghostpay'),
      );
    } finally {
      await testDb.db('webhook_events').whereIn('id', late).delete();
    }
  });

  test.each<[string, string, (e: SeedEvent) => boolean]>([
    ['gateway', 'gateway=tribopay', (e) => e.gateway === 'tribopay'],
    ['payment_id', 'payment_id=seed-7', (e) => e.paymentId === 'seed-7'],
    ['payment_method', 'payment_method=debit_card', (e) => e.method === 'debit_card'],
    ['payment_status', 'payment_status=refused', (e) => e.status === 'refused'],
    [
      'from (inclusive)',
      'from=2026-11-01T18:00:00Z',
      (e) => e.receivedAt >= new Date('2026-11-01T18:00:00Z'),
    ],
    [
      'to (exclusive)',
      'to=2026-11-01T13:00:00%2B00:00',
      (e) => e.receivedAt < new Date('2026-11-01T13:00:00Z'),
    ],
    [
      'from and to with offsets',
      'from=2026-11-01T12:30:00-03:00&to=2026-11-01T16:00:00-03:00',
      (e) =>
        e.receivedAt >= new Date('2026-11-01T15:30:00Z') &&
        e.receivedAt < new Date('2026-11-01T19:00:00Z'),
    ],
    [
      'several at once',
      'gateway=ghostpay&payment_status=paid&payment_method=credit_card',
      (e) => e.gateway === 'ghostpay' && e.status === 'paid' && e.method === 'credit_card',
    ],
  ])('the %s filter lists exactly the matching events', async (_name, query, keep) => {
    const { ids } = await allPages(`/api/webhooks/events/?${query}&limit=37`);

    expect(ids.length).toBeGreaterThan(0);
    expect(ids).toEqual(expectedIds(keep));
  });

  test('a filter nothing matches gives an empty last page', async () => {
    const reply = await get('/api/webhooks/events/?payment_id=never-seen');

    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ items: [], next: null });
  });

  test('a reversed window (to before from) is empty rather than an error', async () => {
    const reply = await get('/api/webhooks/events/?from=2026-11-02&to=2026-11-01');

    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ items: [], next: null });
  });

  test('phone numbers in the list are masked', async () => {
    const page = eventsPage.parse((await get('/api/webhooks/events/?limit=200')).json);

    const phones = page.items.map((e) => e.phone).filter((p) => p !== null);
    expect(phones.length).toBeGreaterThan(0);
    expect(new Set(phones)).toEqual(new Set(['+55 21 9****-4321']));
    expect(JSON.stringify(page)).not.toContain(MOBILE_E164);
  });
});

describe('list parameters that are refused with 400, naming the parameter', () => {
  test.each([
    ['limit=0', 'limit'],
    ['limit=201', 'limit'],
    ['limit=1000000000', 'limit'],
    ['limit=ten', 'limit'],
    ['limit=5&limit=6', 'limit'],
    ['cursor=not-a-cursor', 'cursor'],
    ['from=yesterday', 'from'],
    ['to=2026-13-01T00:00:00Z', 'to'],
    ['gateway=paypal', 'gateway'],
    ['payment_status=waiting_payment', 'payment_status'],
    ['payment_id=%00', 'payment_id'],
    ['paymentStatus=paid', 'paymentStatus'],
  ])('%s', async (query, field) => {
    const reply = await get(`/api/webhooks/events/?${query}`);

    expect(reply.status).toBe(400);
    expect(reply.json.error).toMatchObject({ status: 400, requestId: expect.any(String) });
    expect(reply.json.error.issues).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: field })]),
    );
  });

  test('a cursor of the SMS list is not one of the events list', async () => {
    await insertSms(testDb.db, [
      {
        workflowId: 'w-cursor-1',
        paymentId: 'p',
        toE164: MOBILE_E164,
        status: 'sent',
        createdAt: BASE,
      },
      {
        workflowId: 'w-cursor-2',
        paymentId: 'p',
        toE164: MOBILE_E164,
        status: 'sent',
        createdAt: BASE,
      },
    ]);
    const smsPage = await call(server.url, '/api/webhooks/sms-logs/?limit=1');

    const reply = await get(`/api/webhooks/events/?cursor=${smsPage.json.next}`);

    expect(reply.status).toBe(400);
    expect(reply.json.error.issues).toEqual([
      { path: 'cursor', message: expect.stringContaining('not a cursor') },
    ]);
  });
});

describe('one webhook event', () => {
  test('shows the body verbatim, the phone in full, and the transitions and SMS of its payment', async () => {
    const paymentId = newPaymentId('detail');
    const body = ` ${JSON.stringify(ghostpay(paymentId))}\n`;
    const webhook = await call(server.url, '/api/webhooks/ghostpay/', { body, token: null });
    expect(webhook.status).toBe(202);
    const workflowId = webhook.json.workflowId as string;
    await insertTransitions(testDb.db, [
      { workflowId, gateway: 'ghostpay', paymentId, transition: 'waiting', occurredAt: new Date() },
    ]);
    await insertSms(testDb.db, [
      {
        workflowId,
        gateway: 'ghostpay',
        paymentId,
        toE164: MOBILE_E164,
        status: 'delivered',
        createdAt: new Date(),
      },
    ]);

    const reply = await get(`/api/webhooks/events/${webhook.json.eventId}/`);

    expect(reply.status).toBe(200);
    const event = eventDetailSchema.parse(reply.json);
    expect(event).toMatchObject({
      id: webhook.json.eventId,
      gateway: 'ghostpay',
      paymentId,
      paymentStatus: 'waiting',
      phone: MOBILE_E164,
      rawBody: body,
      caused: {
        outcome: 'scheduled',
        workflowId,
        transitions: [{ transition: 'waiting', workflowId }],
        sms: [{ status: 'delivered', to: MOBILE_E164 }],
      },
    });
  });

  test('an id that was never given is 404 in the error shape; one that is no id is 400', async () => {
    const missing = await get('/api/webhooks/events/987654321');
    const malformed = await get('/api/webhooks/events/12abc/');

    expect(missing.status).toBe(404);
    expect(missing.json.error).toMatchObject({
      status: 404,
      message: 'no webhook event 987654321',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.json.error.issues).toEqual([expect.objectContaining({ path: 'id' })]);
  });
});
