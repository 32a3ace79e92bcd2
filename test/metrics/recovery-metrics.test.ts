import pino from 'pino';
import { loadConfig } from '../../src/config';
import { FINAL_RECOVERY_STATUSES } from '../../src/domain/recovery-status';
import { smsForPayment } from '../../src/db/sms-messages';
import { startWorker } from '../../src/runtime/worker';
import { startRecoveryStack, type RecoveryStack } from '../sms-status/recovery-stack';
import { eventually } from '../helpers/processes';
import { TEST_PAYLOAD_KEYS } from '../helpers/temporal';
import { scrape, sampleValue } from './prometheus-text';

// API and worker keep separate registries here, as `start:api` and `start:worker` would:
// what both contribute to must come out of the audit tables, not out of either process.
let stack: RecoveryStack;
let api: () => Promise<string>;
let worker: () => Promise<string>;

beforeAll(async () => {
  stack = await startRecoveryStack('recovery-metrics');
  api = async () => (await scrape(`${stack.apiUrl}/metrics`)).text;
  worker = () => stack.workerMetrics.registry.metrics();
}, 120_000);

afterAll(() => stack?.close());

async function settled(paymentId: string, status: string): Promise<void> {
  await eventually(
    async () => {
      const [row] = await smsForPayment(stack.testDb.db, 'tribopay', paymentId);
      return row?.status === status;
    },
    10_000,
    `the SMS to become ${status}`,
  );
}

describe('metrics after recoveries', () => {
  test('the API counts the webhook, its latency, and the callbacks; the audit gauges match the rows', async () => {
    const delivered = await stack.recover();
    await settled(delivered.paymentId, 'delivered');
    const landline = '+5511933334444';
    stack.emulator.failForNumber(landline, { kind: 'undelivered', errorCode: 30006 });
    const undelivered = await stack.recover(landline);
    await settled(undelivered.paymentId, 'undelivered');

    const reply = await scrape(`${stack.apiUrl}/metrics`);
    expect(reply.status).toBe(200);
    expect(reply.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = reply.text;
    expect(
      sampleValue(text, 'pix_recovery_webhooks_received_total', {
        gateway: 'tribopay',
        status: 'waiting',
        outcome: 'scheduled',
      }),
    ).toBe(2);
    expect(
      sampleValue(text, 'pix_recovery_webhook_duration_seconds_count', {
        gateway: 'tribopay',
        code: '202',
      }),
    ).toBe(2);
    // sent and delivered for one message, sent and undelivered for the other. The callbacks
    // race each other: a `sent` that lands after its final status is counted as not newer.
    const recorded = sampleValue(text, 'pix_recovery_twilio_status_callbacks_total', {
      result: 'recorded',
    });
    const notNewer =
      sampleValue(text, 'pix_recovery_twilio_status_callbacks_total', { result: 'not_newer' }) ?? 0;
    expect(recorded).toBeGreaterThanOrEqual(2);
    expect((recorded ?? 0) + notNewer).toBe(4);
    expect(sampleValue(text, 'pix_recovery_recoveries', { outcome: 'not_recovered' })).toBe(2);
    expect(sampleValue(text, 'pix_recovery_recoveries', { outcome: 'recovered' })).toBe(0);
    expect(
      sampleValue(text, 'pix_recovery_sms_messages', { status: 'delivered', error_code: '' }),
    ).toBe(1);
    expect(
      sampleValue(text, 'pix_recovery_sms_messages', {
        status: 'undelivered',
        error_code: '30006',
      }),
    ).toBe(1);
    expect(sampleValue(text, 'pix_recovery_sms_delivery_ratio')).toBe(0.5);
    expect(sampleValue(text, 'pix_recovery_audit_up')).toBe(1);
    // The SMS was sent by the worker: its timer lag is in the worker's registry, not the API's.
    expect(sampleValue(text, 'pix_recovery_sms_timer_lag_seconds_count')).toBe(0);
    expect(sampleValue(await worker(), 'pix_recovery_sms_timer_lag_seconds_count')).toBe(2);
  });

  test('the audit gauges equal what the tables hold', async () => {
    const text = await api();
    const bySms = await stack.testDb
      .db('sms_messages')
      .select<{ status: string; error_code: number | null }[]>('status', 'error_code');
    for (const row of bySms) {
      const same = bySms.filter(
        (r) => r.status === row.status && r.error_code === row.error_code,
      ).length;
      expect(
        sampleValue(text, 'pix_recovery_sms_messages', {
          status: row.status,
          error_code: row.error_code === null ? '' : String(row.error_code),
        }),
      ).toBe(same);
    }
    const finals = await stack.testDb
      .db('recovery_events')
      .whereIn('transition', FINAL_RECOVERY_STATUSES)
      .select<{ transition: string }[]>('transition');
    for (const outcome of FINAL_RECOVERY_STATUSES) {
      expect(sampleValue(text, 'pix_recovery_recoveries', { outcome })).toBe(
        finals.filter((f) => f.transition === outcome).length,
      );
    }
  });

  test('the metrics name no payment, phone number or host', async () => {
    const text = await api();
    expect(text).not.toMatch(/cb-\d+/); // payment ids of this suite
    expect(text).not.toMatch(/98765|33334444/);
    expect(text).not.toContain('127.0.0.1');
  });

  test('a worker started with WORKER_METRICS_PORT serves its instruments at /metrics and stops serving on shutdown', async () => {
    const config = loadConfig({
      TEMPORAL_ADDRESS: stack.env.address,
      TEMPORAL_TASK_QUEUE: 'recovery-metrics-served',
      WORKER_METRICS_PORT: '0',
      DATABASE_URL: stack.testDb.url,
      PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
    });
    const running = await startWorker(config, stack.testDb.db, pino({ level: 'silent' }));
    try {
      expect(running.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const reply = await scrape(running.metricsUrl!);
      expect(reply.status).toBe(200);
      expect(reply.text).toContain('# TYPE pix_recovery_sms_timer_lag_seconds histogram');
      // The worker does not read the audit tables: the API's /metrics is where those are.
      expect(reply.text).not.toContain('pix_recovery_recoveries');
      expect((await scrape(running.metricsUrl!.replace('/metrics', '/other'))).status).toBe(404);
    } finally {
      await running.shutdown();
    }
    await expect(fetch(running.metricsUrl!)).rejects.toThrow();
  });
});
