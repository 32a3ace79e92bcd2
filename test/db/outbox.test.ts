import {
  claimOutboxEntries,
  completeOutboxEntries,
  insertOutboxEntry,
  releaseOutboxEntry,
} from '../../src/db/outbox';
import { pgTestDb, sqliteTestDb, type TestDb } from '../helpers/db';

describe.each([
  ['PostgreSQL', () => pgTestDb()],
  ['SQLite', () => sqliteTestDb()],
])('outbox claims on %s', (_name, open) => {
  let target: TestDb;
  beforeAll(async () => {
    target = await open();
  });
  afterAll(() => target?.drop());

  /** A stored webhook and its row, claimed by the intake until 1 s ago. */
  async function expiredEntry() {
    const [event] = await target
      .db('webhook_events')
      .insert({
        gateway: 'tribopay',
        payment_id: `claims-${Date.now()}-${Math.random()}`,
        payment_status: 'waiting',
        raw_status: 'waiting_payment',
        raw_body: '{}',
        normalized: '{}',
        dedup_key: `claims-${Date.now()}-${Math.random()}`,
        received_at: new Date(),
        outcome: 'scheduled',
      })
      .returning('id');
    const webhookEventId = Number(typeof event === 'object' ? event.id : event);
    const entry = await insertOutboxEntry(target.db, {
      webhookEventId,
      gateway: 'tribopay',
      paymentId: 'p',
      update: { status: 'waiting', eventId: `tribopay:${webhookEventId}` },
      createdAt: new Date(),
      claimedUntil: new Date(Date.now() - 1_000),
    });
    return entry;
  }

  const outcomeOf = async (id: number) =>
    (await target.db('webhook_events').where({ id }).first()).outcome as string;

  test('a hand-off whose row a sweep claimed since records nothing, and the sweep records its own', async () => {
    const late = await expiredEntry();
    const [swept] = await claimOutboxEntries(target.db, 10, new Date(Date.now() + 30_000));

    const lateOutcome = 'ignored: recovery finished' as const;
    const late1 = await completeOutboxEntries(target.db, [
      { entry: late, outcome: lateOutcome, at: new Date() },
    ]);
    expect(await outcomeOf(late.webhookEventId)).toBe('scheduled');
    expect(late1).toEqual([]);
    await releaseOutboxEntry(target.db, late, 'late failure');
    expect(await target.db('outbox').where({ id: late.id })).toMatchObject([{ last_error: null }]);

    expect(
      await completeOutboxEntries(target.db, [{ entry: swept, outcome: null, at: new Date() }]),
    ).toEqual([late.id]);
    expect(await target.db('outbox').where({ id: late.id })).toEqual([]);
    expect(
      await completeOutboxEntries(target.db, [
        { entry: late, outcome: lateOutcome, at: new Date() },
      ]),
    ).toEqual([]);
    expect(await outcomeOf(late.webhookEventId)).toBe('scheduled');
  });

  test('a hand-off whose claim ran out with nobody taking the row over is still recorded', async () => {
    const entry = await expiredEntry();
    const outcome = 'ignored: recovery finished' as const;

    expect(await completeOutboxEntries(target.db, [{ entry, outcome, at: new Date() }])).toEqual([
      entry.id,
    ]);
    expect(await outcomeOf(entry.webhookEventId)).toBe(outcome);
  });
});
