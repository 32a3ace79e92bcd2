import { decodeCursor } from '../../src/monitoring/cursor';
import { listEvents, loadEvent } from '../../src/monitoring/events';
import { listSms } from '../../src/monitoring/sms-logs';
import { loadStats } from '../../src/monitoring/stats';
import { sqliteTestDb, type TestDb } from '../helpers/db';
import { insertEvents, insertSms, minutesAfter } from './seed';

// `npm start` keeps the audit trail in SQLite: the same queries must work there.
const BASE = new Date('2026-11-10T10:00:00Z');
let testDb: TestDb;

beforeAll(async () => {
  testDb = await sqliteTestDb();
  await insertEvents(
    testDb.db,
    Array.from({ length: 30 }, (_, i) => ({
      gateway: i % 2 ? ('ghostpay' as const) : ('tribopay' as const),
      paymentId: `s-${i}`,
      method: 'pix' as const,
      status: 'waiting' as const,
      receivedAt: minutesAfter(BASE, Math.floor(i / 2)),
      phoneE164: '+5511987654321',
    })),
  );
  await insertSms(testDb.db, [
    {
      workflowId: 'w1',
      gateway: 'ghostpay',
      paymentId: 's-1',
      toE164: '+5511987654321',
      status: 'delivered',
      createdAt: BASE,
    },
    {
      workflowId: 'w2',
      paymentId: 's-2',
      toE164: '+5511987654321',
      status: 'undelivered',
      createdAt: BASE,
      errorCode: 30006,
    },
  ]);
});

afterAll(() => testDb?.drop());

describe('the monitoring queries on SQLite', () => {
  test('page through events newest first, ties broken by id, with filters and time bounds', async () => {
    const seen: number[] = [];
    let after: number | undefined;
    for (;;) {
      const page = await listEvents(
        testDb.db,
        { from: minutesAfter(BASE, 2) },
        { limit: 7, after },
      );
      seen.push(...page.items.map((e) => e.id));
      if (!page.next) break;
      after = decodeCursor('events', page.next) ?? undefined;
    }

    expect(seen).toEqual(Array.from({ length: 26 }, (_, i) => 30 - i));
    expect(
      (await listEvents(testDb.db, { gateway: 'ghostpay' }, { limit: 50 })).items,
    ).toHaveLength(15);
  });

  test('load one event, list SMS and count the stats', async () => {
    const event = await loadEvent(testDb.db, 2);
    const sms = await listSms(testDb.db, { status: 'delivered' }, { limit: 10 });
    const stats = await loadStats(testDb.db, { from: BASE, to: minutesAfter(BASE, 60) });

    expect(event).toMatchObject({
      id: 2,
      paymentId: 's-1',
      phone: '+5511987654321',
      caused: { sms: [{ status: 'delivered' }] },
    });
    expect(sms.items.map((m) => m.workflowId)).toEqual(['w1']);
    expect(stats).toMatchObject({
      webhooks: { total: 30 },
      sms: { total: 2, delivered: 1, sentOrBeyond: 2, deliveryRate: 0.5 },
      twilioErrors: [{ code: 30006, count: 1 }],
    });
  });
});
