import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { SMS_STATUSES } from '../../src/domain/sms-status';
import { pageSchema, smsSchema } from '../../src/monitoring/shapes';
import { pgTestDb, type TestDb } from '../helpers/db';
import { serve, type TestServer } from '../helpers/http';
import { createTimeSkippingEnv } from '../helpers/temporal';
import { call, monitoringApp } from './app';
import { insertSms, minutesAfter, type SeedSms } from './seed';

const BASE = new Date('2026-11-05T09:00:00Z');
const STATUSES = ['pending', 'sent', 'delivered', 'undelivered', 'failed'];
const MESSAGES: SeedSms[] = Array.from({ length: 450 }, (_, i) => ({
  workflowId: `recovery:tribopay:sms-${i}`,
  paymentId: `sms-${i % 90}`,
  step: 1,
  toE164: i % 2 === 0 ? '+5511987654321' : '+5521912345678',
  status: STATUSES[i % STATUSES.length],
  createdAt: minutesAfter(BASE, Math.floor(i / 3)),
}));
const smsPage = pageSchema(smsSchema, 'SmsPage');

let env: TestWorkflowEnvironment;
let testDb: TestDb;
let server: TestServer;

beforeAll(async () => {
  [env, testDb] = await Promise.all([createTimeSkippingEnv(), pgTestDb()]);
  await insertSms(testDb.db, MESSAGES);
  server = await serve(monitoringApp({ db: testDb.db, temporal: env.client }));
}, 60_000);

afterAll(async () => {
  await server?.close();
  await Promise.all([env?.teardown(), testDb?.drop()]);
});

/** Every message the list gives for `query`, following `next` to the end. */
async function allMessages(query: string) {
  const items = [];
  let next: string | null = null;
  do {
    const reply = await call(
      server.url,
      `/api/webhooks/sms-logs?${query}${next ? `&cursor=${next}` : ''}`,
    );
    expect(reply.status).toBe(200);
    const page = smsPage.parse(reply.json);
    items.push(...page.items);
    next = page.next;
  } while (next);
  return items;
}

describe('listing SMS messages', () => {
  test('pages walk all 450 messages newest first by creation, each exactly once', async () => {
    const items = await allMessages('limit=64');

    expect(items).toHaveLength(450);
    expect(new Set(items.map((m) => m.id)).size).toBe(450);
    const created = items.map((m) => Date.parse(m.createdAt));
    expect(created).toEqual([...created].sort((a, b) => b - a));
  });

  test.each<[string, string, (m: SeedSms) => boolean]>([
    ['status', 'status=undelivered', (m) => m.status === 'undelivered'],
    ['payment_id', 'payment_id=sms-4', (m) => m.paymentId === 'sms-4'],
    ['from', 'from=2026-11-05T10:00:00Z', (m) => m.createdAt >= new Date('2026-11-05T10:00:00Z')],
    ['to', 'to=2026-11-05T09:30:00Z', (m) => m.createdAt < new Date('2026-11-05T09:30:00Z')],
    [
      'status within a window',
      'status=failed&from=2026-11-05T09:10:00Z&to=2026-11-05T10:10:00Z',
      (m) =>
        m.status === 'failed' &&
        m.createdAt >= new Date('2026-11-05T09:10:00Z') &&
        m.createdAt < new Date('2026-11-05T10:10:00Z'),
    ],
  ])('the %s filter lists exactly the matching messages', async (_name, query, keep) => {
    const items = await allMessages(`${query}&limit=25`);

    const expected = MESSAGES.filter(keep).map((m) => m.workflowId);
    expect(expected.length).toBeGreaterThan(0);
    expect(items.map((m) => m.workflowId).sort()).toEqual(expected.sort());
  });

  test('recipients are masked', async () => {
    const reply = await call(server.url, '/api/webhooks/sms-logs/?limit=4');

    expect(
      smsPage
        .parse(reply.json)
        .items.map((m) => m.to)
        .sort(),
    ).toEqual(['+55 11 9****-4321', '+55 11 9****-4321', '+55 21 9****-5678', '+55 21 9****-5678']);
    expect(reply.text).not.toMatch(/\+55\d{10,11}/);
  });

  test.each([
    ['status=DELIVERED', 'status'],
    ['status=', 'status'],
    ['status=bounced', 'status'],
    ['limit=-1', 'limit'],
    ['from=2026-11-05T10:00:00', 'from'],
    ['cursor=WyJldmVudHMiLDFd', 'cursor'],
    ['gateway=tribopay', 'gateway'],
  ])('%s is refused with 400 naming %s', async (query, field) => {
    const reply = await call(server.url, `/api/webhooks/sms-logs/?${query}`);

    expect(reply.status).toBe(400);
    expect(reply.json.error.issues).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: field })]),
    );
  });

  test('a status that is not an SMS status is refused with 400 listing the statuses', async () => {
    const reply = await call(server.url, '/api/webhooks/sms-logs/?status=bounced');

    expect(reply.status).toBe(400);
    expect(reply.json.error.issues).toEqual([
      expect.objectContaining({
        path: 'status',
        message: `expected one of the SMS statuses: ${SMS_STATUSES.join(', ')}`,
      }),
    ]);
  });

  test.each(SMS_STATUSES)('the status %s is accepted', async (status) => {
    const reply = await call(server.url, `/api/webhooks/sms-logs/?status=${status}&limit=1`);

    expect(reply.status).toBe(200);
  });
});
