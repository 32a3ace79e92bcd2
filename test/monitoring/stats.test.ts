import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { statsSchema } from '../../src/monitoring/shapes';
import { pgTestDb, type TestDb } from '../helpers/db';
import { serve, type TestServer } from '../helpers/http';
import { createTimeSkippingEnv } from '../helpers/temporal';
import { call, monitoringApp } from './app';
import {
  insertEvents,
  insertSms,
  insertTransitions,
  type SeedEvent,
  type SeedSms,
  type SeedTransition,
} from './seed';

const HOUR = 3_600_000;
const now = Date.now();
const hoursAgo = (h: number) => new Date(now - h * HOUR);

function events(count: number, e: Omit<SeedEvent, 'paymentId'>): SeedEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    ...e,
    paymentId: `${e.gateway}-${e.status}-${i}`,
  }));
}

function transitions(transition: string, workflows: number, at: Date): SeedTransition[] {
  return Array.from({ length: workflows }, (_, i) => ({
    workflowId: `recovery:tribopay:${transition}-${i}`,
    paymentId: `${transition}-${i}`,
    transition,
    occurredAt: at,
  }));
}

function sms(status: string, count: number, at: Date, errorCode: number | null = null): SeedSms[] {
  return Array.from({ length: count }, (_, i) => ({
    workflowId: `recovery:tribopay:${status}-${errorCode}-${at.getTime()}-${i}`,
    paymentId: `p-${i}`,
    toE164: '+5511987654321',
    status,
    errorCode,
    createdAt: at,
  }));
}

let env: TestWorkflowEnvironment;
let testDb: TestDb;
let server: TestServer;

beforeAll(async () => {
  [env, testDb] = await Promise.all([createTimeSkippingEnv(), pgTestDb()]);
  const { db } = testDb;
  await insertEvents(db, [
    ...events(5, {
      gateway: 'tribopay',
      method: 'pix',
      status: 'waiting',
      receivedAt: hoursAgo(2),
    }),
    ...events(3, { gateway: 'tribopay', method: 'pix', status: 'paid', receivedAt: hoursAgo(1) }),
    ...events(4, {
      gateway: 'ghostpay',
      method: 'pix',
      status: 'waiting',
      receivedAt: hoursAgo(3),
    }),
    // Thin Mercado Pago webhooks: one whose payment had no phone, one scheduled.
    ...events(1, {
      gateway: 'mercadopago',
      method: 'pix',
      status: 'waiting',
      receivedAt: hoursAgo(1),
      outcome: 'ignored: no phone',
    }),
    ...events(1, {
      gateway: 'mercadopago',
      method: 'pix',
      status: 'waiting',
      receivedAt: hoursAgo(1),
      outcome: 'scheduled',
    }),
    // Outside the default window.
    ...events(7, { gateway: 'ghostpay', method: 'pix', status: 'paid', receivedAt: hoursAgo(30) }),
  ]);
  await insertTransitions(db, [
    ...transitions('waiting', 9, hoursAgo(2)),
    ...transitions('cancelled', 3, hoursAgo(1)),
    ...transitions('sending', 6, hoursAgo(1)),
    ...transitions('sms_sent', 5, hoursAgo(1)),
    ...transitions('sms_failed', 1, hoursAgo(1)),
    ...transitions('recovered', 2, hoursAgo(0.5)),
    ...transitions('not_recovered', 1, hoursAgo(0.5)),
    // The same workflow recorded twice still counts once.
    {
      workflowId: 'recovery:tribopay:recovered-0',
      paymentId: 'recovered-0',
      transition: 'recovered',
      occurredAt: hoursAgo(0.4),
    },
    ...transitions('waiting', 50, hoursAgo(48)),
  ]);
  await insertSms(db, [
    ...sms('delivered', 6, hoursAgo(1)),
    ...sms('undelivered', 1, hoursAgo(1), 30006),
    ...sms('sent', 1, hoursAgo(1)),
    ...sms('failed', 2, hoursAgo(1), 21614),
    ...sms('failed', 1, hoursAgo(1), 21211),
    ...sms('pending', 1, hoursAgo(1)),
    ...sms('delivered', 20, hoursAgo(40)),
    ...sms('failed', 5, hoursAgo(40), 30007),
  ]);
  server = await serve(monitoringApp({ db, temporal: env.client }));
}, 60_000);

afterAll(async () => {
  await server?.close();
  await Promise.all([env?.teardown(), testDb?.drop()]);
});

describe('stats', () => {
  test('by default cover the last 24 hours: webhooks, recoveries, delivery rate and Twilio errors', async () => {
    const reply = await call(server.url, '/api/webhooks/stats/');

    expect(reply.status).toBe(200);
    const stats = statsSchema.parse(reply.json);
    expect(Date.parse(stats.window.to) - Date.parse(stats.window.from)).toBe(24 * HOUR);
    expect(stats.webhooks).toEqual({
      total: 14,
      byGateway: {
        tribopay: { total: 8, byStatus: { waiting: 5, paid: 3 }, byOutcome: {} },
        ghostpay: { total: 4, byStatus: { waiting: 4 }, byOutcome: {} },
        mercadopago: {
          total: 2,
          byStatus: { waiting: 2 },
          byOutcome: { 'ignored: no phone': 1, scheduled: 1 },
        },
      },
    });
    expect(stats.recoveries).toEqual({
      waiting: 9,
      cancelled: 3,
      smsSent: 5,
      smsFailed: 1,
      recovered: 2,
      notRecovered: 1,
      // The time-skipping server has no visibility store to count them: unknown, not 0.
      closedByHand: null,
    });
    expect(stats.sms).toEqual({
      total: 12,
      byStatus: { delivered: 6, undelivered: 1, sent: 1, failed: 3, pending: 1 },
      delivered: 6,
      sentOrBeyond: 8,
      deliveryRate: 0.75,
    });
    expect(stats.twilioErrors).toEqual([
      { code: 21614, count: 2 },
      { code: 21211, count: 1 },
      { code: 30006, count: 1 },
    ]);
  });

  test('an explicit window counts only what happened inside it', async () => {
    const from = hoursAgo(50).toISOString();
    const to = hoursAgo(24).toISOString();

    const reply = await call(server.url, `/api/webhooks/stats?from=${from}&to=${to}`);

    const stats = statsSchema.parse(reply.json);
    expect(stats.window).toEqual({ from, to });
    expect(stats.webhooks.total).toBe(7);
    expect(stats.recoveries.waiting).toBe(50);
    expect(stats.sms).toMatchObject({
      total: 25,
      delivered: 20,
      sentOrBeyond: 20,
      deliveryRate: 1,
    });
    expect(stats.twilioErrors).toEqual([{ code: 30007, count: 5 }]);
  });

  test('a window with nothing in it has zeros and no delivery rate', async () => {
    const reply = await call(server.url, '/api/webhooks/stats/?from=2020-01-01&to=2020-01-02');

    const stats = statsSchema.parse(reply.json);
    expect(stats.webhooks).toEqual({ total: 0, byGateway: {} });
    expect(stats.sms.deliveryRate).toBeNull();
  });

  test.each([['from=2026-11-02&to=2026-11-01'], ['from=2026-11-01&to=2026-11-01']])(
    'a reversed or empty window (%s) is an empty window, not an error',
    async (query) => {
      const reply = await call(server.url, `/api/webhooks/stats/?${query}`);

      expect(reply.status).toBe(200);
      const stats = statsSchema.parse(reply.json);
      expect(stats.webhooks).toEqual({ total: 0, byGateway: {} });
      expect(stats.sms.total).toBe(0);
    },
  );

  test.each([
    ['to=tomorrow', 'to'],
    ['limit=5', 'limit'],
  ])('%s is refused with 400 naming %s', async (query, field) => {
    const reply = await call(server.url, `/api/webhooks/stats/?${query}`);

    expect(reply.status).toBe(400);
    expect(reply.json.error.issues).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: field })]),
    );
  });
});
