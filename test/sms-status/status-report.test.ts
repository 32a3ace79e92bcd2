import {
  claimSmsRow,
  markAccepted,
  recordStatusReport,
  type StatusReport,
} from '../../src/db/sms-messages';
import type { ReportedSmsStatus } from '../../src/domain/sms-status';
import { recordStatusCallback } from '../../src/sms-status/record-status';
import { pgTestDb, sqliteTestDb, type TestDb } from '../helpers/db';
import { acceptedSms, newSid, smsRow } from './callbacks';

function report(
  sid: string,
  status: ReportedSmsStatus,
  extra: Partial<StatusReport> = {},
): StatusReport {
  return { sid, status, errorCode: null, price: null, priceUnit: null, ...extra };
}

describe.each([
  ['PostgreSQL', pgTestDb],
  ['SQLite', sqliteTestDb],
])('status reports on %s', (_engine, open) => {
  let testDb: TestDb;

  beforeAll(async () => {
    testDb = await open();
  }, 30_000);

  afterAll(() => testDb?.drop());

  test('a newer status is recorded, an older or equal one is not', async () => {
    const sms = await acceptedSms(testDb.db);
    expect(await recordStatusReport(testDb.db, report(sms.twilioSid!, 'sent'))).toBe('recorded');
    expect(await recordStatusReport(testDb.db, report(sms.twilioSid!, 'sent'))).toBe('not_newer');
    expect(await recordStatusReport(testDb.db, report(sms.twilioSid!, 'queued'))).toBe('not_newer');
    expect(await recordStatusReport(testDb.db, report(sms.twilioSid!, 'delivered'))).toBe(
      'recorded',
    );
    expect(await recordStatusReport(testDb.db, report(sms.twilioSid!, 'undelivered'))).toBe(
      'not_newer',
    );
    expect((await smsRow(testDb.db, sms)).status).toBe('delivered');
  });

  test('an unknown SID is told apart from a status that is not newer', async () => {
    expect(await recordStatusReport(testDb.db, report(newSid(), 'delivered'))).toBe('unknown_sid');
  });

  test('an error code is stored as a number; price and unit stay empty when not given', async () => {
    const sms = await acceptedSms(testDb.db);
    await recordStatusReport(
      testDb.db,
      report(sms.twilioSid!, 'undelivered', { errorCode: 30006 }),
    );
    expect(await smsRow(testDb.db, sms)).toMatchObject({
      status: 'undelivered',
      errorCode: 30006,
      price: null,
    });
  });

  test('twenty concurrent reports in every order end on the final status', async () => {
    const sms = await acceptedSms(testDb.db);
    const statuses: ReportedSmsStatus[] = ['sent', 'delivered', 'sending', 'queued', 'sent'];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        recordStatusReport(testDb.db, report(sms.twilioSid!, statuses[i % statuses.length])),
      ),
    );
    expect((await smsRow(testDb.db, sms)).status).toBe('delivered');
    // delivered is recorded exactly once however the reports interleave.
    expect(
      results.filter((r, i) => r === 'recorded' && statuses[i % statuses.length] === 'delivered'),
    ).toHaveLength(1);
  });

  test('a callback that overtakes the activity storing the SID is recorded once the SID arrives', async () => {
    const sid = newSid();
    const row = await claimSmsRow(testDb.db, {
      workflowId: `recovery:tribopay:race-${sid}`,
      step: 1,
      gateway: 'tribopay',
      paymentId: `race-${sid}`,
      toE164: '+5511987654321',
      body: 'Oi!',
    });
    const callback = recordStatusCallback(testDb.db, report(sid, 'sent'), 5_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await markAccepted(testDb.db, row.id, sid, 'queued');
    expect(await callback).toBe('recorded');
    expect((await smsRow(testDb.db, row)).status).toBe('sent');
  });

  test('a SID that never appears is given up on after the wait', async () => {
    const started = Date.now();
    expect(await recordStatusCallback(testDb.db, report(newSid(), 'sent'), 250)).toBe(
      'unknown_sid',
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
  });
});
