import { createDb } from '../../src/db/connect';
import { insertTransition } from '../../src/db/recovery-events';
import { FINAL_RECOVERY_STATUSES, type RecoveryStatus } from '../../src/domain/recovery-status';
import { recordStatusReport } from '../../src/db/sms-messages';
import type { ReportedSmsStatus } from '../../src/domain/sms-status';
import { createMetrics } from '../../src/metrics/metrics';
import { acceptedSms } from '../sms-status/callbacks';
import { pgTestDb, type TestDb } from '../helpers/db';
import { sampleValue } from './prometheus-text';

let testDb: TestDb;
let seq = 0;

beforeAll(async () => {
  testDb = await pgTestDb();
}, 30_000);

afterAll(() => testDb?.drop());

async function finished(outcome: RecoveryStatus): Promise<void> {
  seq += 1;
  await insertTransition(testDb.db, {
    eventKey: `gauge-test:${seq}`,
    workflowId: `recovery:tribopay:gauge-${seq}`,
    gateway: 'tribopay',
    paymentId: `gauge-${seq}`,
    transition: outcome,
    detail: {},
    occurredAt: new Date().toISOString(),
  });
}

async function smsEndingIn(
  status: ReportedSmsStatus,
  errorCode: number | null = null,
): Promise<void> {
  const sms = await acceptedSms(testDb.db);
  await recordStatusReport(testDb.db, {
    sid: sms.twilioSid!,
    status,
    errorCode,
    price: null,
    priceUnit: null,
  });
}

describe('gauges read from the audit tables', () => {
  test('with no rows: every outcome at zero, no SMS series, and a delivery ratio of NaN rather than a made-up 0', async () => {
    const text = await createMetrics({ audit: { db: testDb.db, cacheMs: 0 } }).registry.metrics();
    for (const outcome of FINAL_RECOVERY_STATUSES) {
      expect(sampleValue(text, 'pix_recovery_recoveries', { outcome })).toBe(0);
    }
    expect(text).not.toMatch(/^pix_recovery_sms_messages\{/m);
    expect(sampleValue(text, 'pix_recovery_sms_delivery_ratio')).toBeNaN();
    expect(sampleValue(text, 'pix_recovery_audit_up')).toBe(1);
  });

  test('recoveries by outcome, SMS by status and error code, and the delivery ratio follow the rows', async () => {
    await finished('recovered');
    await finished('not_recovered');
    await finished('not_recovered');
    await finished('sending'); // not a final transition: not an outcome
    await smsEndingIn('delivered');
    await smsEndingIn('delivered');
    await smsEndingIn('delivered');
    await smsEndingIn('undelivered', 30006);
    await smsEndingIn('sent');
    const text = await createMetrics({ audit: { db: testDb.db, cacheMs: 0 } }).registry.metrics();
    expect(sampleValue(text, 'pix_recovery_recoveries', { outcome: 'recovered' })).toBe(1);
    expect(sampleValue(text, 'pix_recovery_recoveries', { outcome: 'not_recovered' })).toBe(2);
    expect(text).not.toContain('outcome="sending"');
    expect(
      sampleValue(text, 'pix_recovery_sms_messages', { status: 'delivered', error_code: '' }),
    ).toBe(3);
    expect(
      sampleValue(text, 'pix_recovery_sms_messages', {
        status: 'undelivered',
        error_code: '30006',
      }),
    ).toBe(1);
    expect(sampleValue(text, 'pix_recovery_sms_messages', { status: 'sent', error_code: '' })).toBe(
      1,
    );
    // Messages still on their way (sent) are not settled yet and don't count either way.
    expect(sampleValue(text, 'pix_recovery_sms_delivery_ratio')).toBe(0.75);
  });

  test('one reading serves scrapes within the cache time; a later scrape sees new rows', async () => {
    const cachedMetrics = createMetrics({ audit: { db: testDb.db, cacheMs: 60_000 } });
    const before = sampleValue(await cachedMetrics.registry.metrics(), 'pix_recovery_recoveries', {
      outcome: 'cancelled',
    });
    await finished('cancelled');
    expect(
      sampleValue(await cachedMetrics.registry.metrics(), 'pix_recovery_recoveries', {
        outcome: 'cancelled',
      }),
    ).toBe(before);
    const fresh = createMetrics({ audit: { db: testDb.db, cacheMs: 0 } });
    expect(
      sampleValue(await fresh.registry.metrics(), 'pix_recovery_recoveries', {
        outcome: 'cancelled',
      }),
    ).toBe(before! + 1);
  });

  test('an unreachable database drops the audit series and sets audit_up to 0, but the scrape still answers', async () => {
    const unreachable = createDb({ client: 'pg', url: 'postgres://postgres@127.0.0.1:1/none' });
    try {
      const metrics = createMetrics({ audit: { db: unreachable, cacheMs: 0 } });
      metrics.webhooksReceived.inc({
        gateway: 'tribopay',
        status: 'waiting',
        outcome: 'scheduled',
      });
      const text = await metrics.registry.metrics();
      expect(sampleValue(text, 'pix_recovery_audit_up')).toBe(0);
      expect(text).not.toMatch(/^pix_recovery_recoveries\{/m);
      expect(sampleValue(text, 'pix_recovery_sms_delivery_ratio')).toBeNaN();
      expect(
        sampleValue(text, 'pix_recovery_webhooks_received_total', {
          gateway: 'tribopay',
          status: 'waiting',
          outcome: 'scheduled',
        }),
      ).toBe(1);
    } finally {
      await unreachable.destroy();
    }
  });

  test('a metrics instance without the audit option (a worker) has none of these gauges', async () => {
    const text = await createMetrics().registry.metrics();
    expect(text).not.toContain('pix_recovery_recoveries');
    expect(text).not.toContain('pix_recovery_audit_up');
  });
});
