import type { Db } from '../../src/db/connect';
import { GATEWAYS, type Gateway } from '../../src/domain/payment-event';
import { humanDuration, loadRevenue, medianOf } from '../../src/monitoring/revenue';
import { pgTestDb, sqliteTestDb, type TestDb } from '../helpers/db';
import { insertEvents, insertSms, insertTransitions, type SeedTransition } from './seed';

const HOUR = 3_600_000;
const NOW = new Date('2026-11-20T15:00:00Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * HOUR);
const LAST_DAY = { from: hoursAgo(24), to: NOW };

/** One payment's recovery, as the workflow records it. */
function recovery(
  gateway: Gateway,
  id: string,
  steps: { sentHoursAgo: number[]; end?: ['recovered', number, number] | ['not_recovered'] },
): SeedTransition[] {
  const workflowId = `recovery:${gateway}:${id}`;
  const base = { workflowId, gateway, paymentId: id };
  const sent = steps.sentHoursAgo.map((h, i) => ({
    ...base,
    transition: 'sms_sent',
    occurredAt: hoursAgo(h),
    detail: { step: i + 1 },
  }));
  if (!steps.end) return sent;
  const last = steps.sentHoursAgo.length ? Math.min(...steps.sentHoursAgo) : 3;
  const [transition, amountCentavos, msFromSmsToPaid] = steps.end;
  const detail = transition === 'recovered' ? { amountCentavos, msFromSmsToPaid } : {};
  return [...sent, { ...base, transition, occurredAt: hoursAgo(last - 0.5), detail }];
}

async function seed(db: Db): Promise<void> {
  await insertEvents(db, [
    ...['t1', 't2', 't3', 't4'].map((paymentId) => ({
      gateway: 'tribopay' as const,
      paymentId,
      method: 'pix' as const,
      status: 'waiting' as const,
      receivedAt: hoursAgo(5),
    })),
    // The same charge twice is one charge; a card payment is no PIX charge.
    {
      gateway: 'tribopay',
      paymentId: 't1',
      method: 'pix',
      status: 'paid',
      receivedAt: hoursAgo(2),
    },
    {
      gateway: 'tribopay',
      paymentId: 'c1',
      method: 'credit_card',
      status: 'waiting',
      receivedAt: hoursAgo(2),
    },
    {
      gateway: 'ghostpay',
      paymentId: 'g1',
      method: 'pix',
      status: 'waiting',
      receivedAt: hoursAgo(3),
    },
    // Seen the day before.
    {
      gateway: 'ghostpay',
      paymentId: 'g0',
      method: 'pix',
      status: 'waiting',
      receivedAt: hoursAgo(30),
    },
  ]);
  await insertTransitions(db, [
    ...recovery('tribopay', 't1', { sentHoursAgo: [4], end: ['recovered', 4990, 600_000] }),
    ...recovery('tribopay', 't2', { sentHoursAgo: [4], end: ['recovered', 10_000, 1_200_000] }),
    // Recorded twice (a re-run activity): still one recovery.
    ...recovery('tribopay', 't2', { sentHoursAgo: [], end: ['recovered', 10_000, 1_200_000] }),
    ...recovery('tribopay', 't3', { sentHoursAgo: [4, 1], end: ['not_recovered'] }),
    ...recovery('tribopay', 't4', { sentHoursAgo: [2] }),
    ...recovery('ghostpay', 'g1', { sentHoursAgo: [3], end: ['recovered', 2500, 3_000_000] }),
    // Its first SMS went out the day before: yesterday's recovery, though paid today.
    ...recovery('ghostpay', 'g0', { sentHoursAgo: [30, 3], end: ['recovered', 99_900, 60_000] }),
  ]);
  const sms = (gateway: string, paymentId: string, status: string) => ({
    workflowId: `recovery:${gateway}:${paymentId}`,
    gateway,
    paymentId,
    toE164: '+5511987654321',
    status,
    createdAt: hoursAgo(4),
  });
  await insertSms(db, [
    sms('tribopay', 't1', 'delivered'),
    sms('tribopay', 't2', 'undelivered'),
    sms('ghostpay', 'g1', 'delivered'),
    // A test message is nobody's recovery.
    sms('test', 'test-sms', 'delivered'),
  ]);
}

describe.each([
  ['PostgreSQL', () => pgTestDb()],
  ['SQLite', () => sqliteTestDb()],
])('recovered revenue on %s', (_name, open) => {
  let testDb: TestDb;

  beforeAll(async () => {
    testDb = await open();
    await seed(testDb.db);
  }, 30_000);
  afterAll(() => testDb?.drop());

  test('per gateway: charges seen, recoveries attempted and how they ended, amount and median time to pay', async () => {
    const revenue = await loadRevenue(testDb.db, LAST_DAY);

    expect(revenue.byGateway.tribopay).toEqual({
      pixChargesSeen: 4,
      recoveriesAttempted: 4,
      smsDelivered: 1,
      recovered: 2,
      notRecovered: 1,
      stillOpen: 1,
      recoveryRate: 0.5,
      recoveredCentavos: 14_990,
      recoveredAmount: 'R$ 149,90',
      medianMsToPay: 900_000,
      medianTimeToPay: '15m 00s',
    });
    expect(revenue.byGateway.ghostpay).toEqual({
      pixChargesSeen: 1,
      recoveriesAttempted: 1,
      smsDelivered: 1,
      recovered: 1,
      notRecovered: 0,
      stillOpen: 0,
      recoveryRate: 1,
      recoveredCentavos: 2500,
      recoveredAmount: 'R$ 25,00',
      medianMsToPay: 3_000_000,
      medianTimeToPay: '50m 00s',
    });
    expect(revenue.total).toMatchObject({
      pixChargesSeen: 5,
      recoveriesAttempted: 5,
      smsDelivered: 2,
      recovered: 3,
      recoveryRate: 0.6,
      recoveredCentavos: 17_490,
      recoveredAmount: 'R$ 174,90',
      medianMsToPay: 1_200_000,
    });
  });

  test('a recovery belongs to the window of its first SMS, whenever it was paid', async () => {
    const revenue = await loadRevenue(testDb.db, { from: hoursAgo(48), to: hoursAgo(24) });

    expect(revenue.byGateway.ghostpay).toMatchObject({
      pixChargesSeen: 1,
      recoveriesAttempted: 1,
      recovered: 1,
      recoveredCentavos: 99_900,
      recoveredAmount: 'R$ 999,00',
    });
    expect(revenue.byGateway.tribopay.recoveriesAttempted).toBe(0);
  });

  test('an empty window has zeros and no rate or median, not NaN', async () => {
    const revenue = await loadRevenue(testDb.db, {
      from: new Date('2020-01-01T00:00:00Z'),
      to: new Date('2020-01-02T00:00:00Z'),
    });

    expect(revenue.total).toEqual({
      pixChargesSeen: 0,
      recoveriesAttempted: 0,
      smsDelivered: 0,
      recovered: 0,
      notRecovered: 0,
      stillOpen: 0,
      recoveryRate: null,
      recoveredCentavos: 0,
      recoveredAmount: 'R$ 0,00',
      medianMsToPay: null,
      medianTimeToPay: null,
    });
    // Every registered gateway has its line, so a seller sees a zero rather than nothing.
    expect(Object.keys(revenue.byGateway).sort()).toEqual([...GATEWAYS].sort());
  });
});

describe('summaries', () => {
  test.each([
    [[], null],
    [[5], 5],
    [[9, 1, 5], 5],
    [[4, 1, 3, 2], 3],
    [[1, 2], 2],
  ])('the median of %j is %p', (values, median) => {
    expect(medianOf(values)).toBe(median);
  });

  test.each([
    [850, '850ms'],
    [42_000, '42s'],
    [845_000, '14m 05s'],
    [3_720_000, '1h 02m'],
  ])('%d ms reads %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});
