import pino from 'pino';
import { createApp } from '../../src/http/app';
import { createMetrics, observeTimerLag, type Metrics } from '../../src/metrics/metrics';
import type { RecoveryClient } from '../../src/temporal/recovery-client';
import { pgTestDb, type TestDb } from '../helpers/db';
import { serve, type TestServer } from '../helpers/http';
import { newPaymentId, tribopayMinimalPaid, tribopayPostback } from '../http/webhook-payloads';
import { scrape, sampleValue } from './prometheus-text';

let testDb: TestDb;
let server: TestServer;
let metrics: Metrics;
let temporalUp = true;

// The intake's Temporal side, reduced to its answer: these tests are about what is counted.
const recoveries = {
  async signal(gateway, paymentId) {
    if (!temporalUp) throw new Error('temporal unreachable');
    return { signalled: true, workflowId: `recovery:${gateway}:${paymentId}` };
  },
  async state() {
    return null;
  },
  async execution() {
    return null;
  },
  async closedByHand() {
    return { terminated: 0, cancelled: 0, timed_out: 0 };
  },
  async listClosedByHand() {
    return [];
  },
} satisfies Partial<RecoveryClient> as RecoveryClient;

beforeAll(async () => {
  testDb = await pgTestDb();
  metrics = createMetrics({ audit: { db: testDb.db, cacheMs: 0 } });
  server = await serve(
    createApp({
      db: testDb.db,
      logger: pino({ level: 'silent' }),
      health: async () => ({
        ok: true,
        database: { ok: true },
        temporal: { ok: true },
        worker: { ok: true },
      }),
      recoveries,
      metrics,
      // WEBHOOK_AUTH=off, as an operator would say it: these tests count webhooks.
      webhookAuthOff: true,
    }),
  );
}, 30_000);

afterAll(async () => {
  await server?.close();
  await testDb?.drop();
});

beforeEach(() => {
  temporalUp = true;
  metrics.registry.resetMetrics();
});

async function metricsText(): Promise<string> {
  return (await scrape(`${server.url}/metrics`)).text;
}

describe('webhook metrics', () => {
  test('each webhook is counted by gateway, payment status and intake outcome, and timed by status code', async () => {
    const id = newPaymentId('m');
    expect((await server.post('/api/webhooks/tribopay/', tribopayPostback(id))).status).toBe(202);
    expect((await server.post('/api/webhooks/tribopay/', tribopayPostback(id))).status).toBe(200);
    await server.post('/api/webhooks/tribopay/', tribopayMinimalPaid(id));
    await server.post(
      '/api/webhooks/tribopay/',
      tribopayPostback(newPaymentId('m'), { method: 'credit_card' }),
    );
    const text = await metricsText();
    const received = (status: string, outcome: string) =>
      sampleValue(text, 'pix_recovery_webhooks_received_total', {
        gateway: 'tribopay',
        status,
        outcome,
      });
    expect(received('waiting', 'scheduled')).toBe(1);
    expect(received('waiting', 'duplicate')).toBe(1);
    expect(received('paid', 'signalled')).toBe(1);
    expect(received('waiting', 'ignored: not pix')).toBe(1);
    expect(
      sampleValue(text, 'pix_recovery_webhook_duration_seconds_count', {
        gateway: 'tribopay',
        code: '202',
      }),
    ).toBe(3);
    expect(
      sampleValue(text, 'pix_recovery_webhook_duration_seconds_count', {
        gateway: 'tribopay',
        code: '200',
      }),
    ).toBe(1);
  });

  test('refused requests are counted as rejected, without a payment status', async () => {
    await server.post('/api/webhooks/ghostpay/', 'not json', { contentType: 'text/plain' });
    await server.post('/api/webhooks/ghostpay/', '{', { contentType: 'application/json' });
    const text = await metricsText();
    expect(
      sampleValue(text, 'pix_recovery_webhooks_received_total', {
        gateway: 'ghostpay',
        status: '',
        outcome: 'rejected',
      }),
    ).toBe(2);
    expect(
      sampleValue(text, 'pix_recovery_webhook_duration_seconds_count', {
        gateway: 'ghostpay',
        code: '415',
      }),
    ).toBe(1);
    expect(
      sampleValue(text, 'pix_recovery_webhook_duration_seconds_count', {
        gateway: 'ghostpay',
        code: '400',
      }),
    ).toBe(1);
  });

  test('a webhook taken while Temporal is down counts as scheduled with a 202, and shows in the outbox gauges', async () => {
    temporalUp = false;
    expect(
      (await server.post('/api/webhooks/tribopay/', tribopayPostback(newPaymentId('m')))).status,
    ).toBe(202);
    const text = await metricsText();
    expect(
      sampleValue(text, 'pix_recovery_webhooks_received_total', {
        gateway: 'tribopay',
        status: 'waiting',
        outcome: 'scheduled',
      }),
    ).toBe(1);
    expect(
      sampleValue(text, 'pix_recovery_webhook_duration_seconds_count', {
        gateway: 'tribopay',
        code: '202',
      }),
    ).toBe(1);
    expect(sampleValue(text, 'pix_recovery_outbox_pending')).toBe(1);
    expect(sampleValue(text, 'pix_recovery_outbox_oldest_age_seconds')).toBeGreaterThanOrEqual(0);
    await testDb.db('outbox').delete();
  });

  test('/metrics needs no token even when webhooks do, and answers in Prometheus text', async () => {
    const guarded = await serve(
      createApp({
        db: testDb.db,
        logger: pino({ level: 'silent' }),
        health: async () => ({
          ok: true,
          database: { ok: true },
          temporal: { ok: true },
          worker: { ok: true },
        }),
        recoveries,
        webhookSecret: 'a-webhook-secret-of-some-length',
      }),
    );
    try {
      const reply = await scrape(`${guarded.url}/metrics`);
      expect(reply.status).toBe(200);
      expect(reply.contentType).toMatch(/^text\/plain/);
      expect(reply.text).toContain('# TYPE pix_recovery_webhooks_received_total counter');
      expect(reply.text).not.toContain('a-webhook-secret-of-some-length');
    } finally {
      await guarded.close();
    }
  });
});

describe('timer lag', () => {
  test('is the time from the due time to now, in seconds, and never negative', async () => {
    const own = createMetrics();
    const now = Date.parse('2026-11-29T12:00:30Z');
    observeTimerLag(own, '2026-11-29T12:00:00Z', now);
    observeTimerLag(own, '2026-11-29T12:05:00Z', now); // a clock behind the workflow's
    const text = await own.registry.metrics();
    expect(sampleValue(text, 'pix_recovery_sms_timer_lag_seconds_count')).toBe(2);
    expect(sampleValue(text, 'pix_recovery_sms_timer_lag_seconds_sum')).toBe(30);
    expect(sampleValue(text, 'pix_recovery_sms_timer_lag_seconds_bucket', { le: '0.1' })).toBe(1);
  });
});
