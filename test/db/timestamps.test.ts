import { toDate } from '../../src/db/connect';
import { pgTestDb, sqliteTestDb, type TestDb } from '../helpers/db';

describe('toDate', () => {
  const instant = new Date('2026-11-29T12:34:56.789Z');

  it.each([
    ['a Date (the PostgreSQL form)', instant],
    ['epoch milliseconds (the SQLite form)', instant.getTime()],
    ['epoch milliseconds as text', String(instant.getTime())],
    ['an ISO-8601 string', '2026-11-29T09:34:56.789-03:00'],
  ])('reads %s as the same instant', (_form, value) => {
    expect(toDate(value)?.toISOString()).toBe('2026-11-29T12:34:56.789Z');
  });

  it('reads the epoch itself, not as a missing value', () => {
    expect(toDate(0)?.toISOString()).toBe('1970-01-01T00:00:00.000Z');
  });

  it.each([null, undefined])('reads %p as no time at all', (value) => {
    expect(toDate(value)).toBeNull();
  });
});

describe.each([
  ['PostgreSQL', 'a Date', () => pgTestDb(), Date],
  ['SQLite', 'epoch milliseconds', () => sqliteTestDb(), Number],
])('a timestamp stored in %s (read raw as %s)', (_name, _form, open, rawForm) => {
  let target: TestDb;
  beforeAll(async () => {
    target = await open();
  });
  afterAll(() => target.drop());

  it.each([
    '2026-11-29T12:34:56.789Z',
    '2026-11-29T23:59:59.999-03:00',
    '1970-01-01T00:00:00.000Z',
  ])('%s reads back as the same instant, millisecond included', async (iso) => {
    const written = new Date(iso);
    const eventKey = `timestamps:${iso}`;
    await target.db('recovery_events').insert({
      event_key: eventKey,
      workflow_id: 'recovery-ghostpay-pay_1',
      gateway: 'ghostpay',
      payment_id: 'pay_1',
      transition: 'waiting',
      occurred_at: written,
      recorded_at: written,
    });
    const row = await target
      .db('recovery_events')
      .where({ event_key: eventKey })
      .first('occurred_at');
    expect(row.occurred_at).toEqual(expect.any(rawForm));
    expect(toDate(row.occurred_at)?.getTime()).toBe(written.getTime());
  });
});
