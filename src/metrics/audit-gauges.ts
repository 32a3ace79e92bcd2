import { Gauge, type Registry } from 'prom-client';
import type { Db } from '../db/connect';
import { FINAL_RECOVERY_STATUSES } from '../domain/recovery-status';
import type { Logger } from '../logging';
import { CLOSED_BY_HAND, type ClosedByHandCounts } from '../temporal/executions';
import { deliveryRatio, readAuditCounts, type AuditCounts } from './audit-counts';
import { PREFIX } from './prefix';

export interface AuditGaugeOptions {
  db: Db;
  logger?: Logger;
  /** How long one reading of the tables serves scrapes (several Prometheus servers, retries). */
  cacheMs?: number;
}

export const AUDIT_CACHE_MS = 5_000;

/**
 * Gauges computed from the audit tables when scraped, so they are true for the whole
 * service however many API and worker processes run. A failed reading drops these series
 * for that scrape and sets `audit_up` to 0; the in-process metrics are still served.
 */
export function registerAuditGauges(registry: Registry, options: AuditGaugeOptions): void {
  const read = cached(async (): Promise<AuditCounts | null> => {
    try {
      return await readAuditCounts(options.db);
    } catch (err) {
      options.logger?.warn({ err }, 'metrics: could not read the audit tables');
      return null;
    }
  }, options.cacheMs ?? AUDIT_CACHE_MS);
  const registers = [registry];

  new Gauge({
    name: `${PREFIX}audit_up`,
    help: '1 when the audit tables answered for this scrape, 0 when the gauges read from them are missing',
    registers,
    async collect() {
      this.set((await read()) ? 1 : 0);
    },
  });
  new Gauge({
    name: `${PREFIX}recoveries`,
    help: 'Finished recoveries by outcome (final transition), from the audit tables',
    labelNames: ['outcome'],
    registers,
    async collect() {
      const counts = await read();
      this.reset();
      if (!counts) return;
      for (const outcome of FINAL_RECOVERY_STATUSES)
        this.set({ outcome }, counts.recoveries.get(outcome) ?? 0);
    },
  });
  new Gauge({
    name: `${PREFIX}sms_messages`,
    help: 'Recovery SMS by current status (final once delivered, undelivered, failed or cancelled) and Twilio error code, from the audit tables',
    labelNames: ['status', 'error_code'],
    registers,
    async collect() {
      const counts = await read();
      this.reset();
      for (const row of counts?.sms ?? [])
        this.set({ status: row.status, error_code: row.errorCode }, row.count);
    },
  });
  new Gauge({
    name: `${PREFIX}recovered_revenue_centavos`,
    help: 'Centavos of the payments recovered in the last 24 hours, by gateway, from the audit tables',
    labelNames: ['gateway'],
    registers,
    async collect() {
      const counts = await read();
      this.reset();
      for (const [gateway, centavos] of counts?.recoveredCentavos ?? [])
        this.set({ gateway }, centavos);
    },
  });
  new Gauge({
    name: `${PREFIX}outbox_pending`,
    help: 'Webhooks stored but not yet handed to Temporal (all API processes), from the outbox table',
    registers,
    async collect() {
      const counts = await read();
      this.reset();
      if (counts) this.set(counts.outbox.pending);
    },
  });
  new Gauge({
    name: `${PREFIX}outbox_oldest_age_seconds`,
    help: 'Age of the oldest webhook waiting in the outbox (0 when it is empty)',
    registers,
    async collect() {
      const counts = await read();
      this.reset();
      if (counts) this.set(counts.outbox.oldestAgeSeconds ?? 0);
    },
  });
  new Gauge({
    name: `${PREFIX}sms_delivery_ratio`,
    help: 'Delivered recovery SMS among those delivered, undelivered or failed (NaN until one is), from the audit tables',
    registers,
    async collect() {
      const counts = await read();
      this.set((counts && deliveryRatio(counts.sms)) ?? NaN);
    },
  });
}

/**
 * One reading shared by every gauge of a scrape (a reading in flight is always reused) and
 * by the scrapes that follow within `ttlMs` of it finishing.
 */
function cached<T>(load: () => Promise<T>, ttlMs: number): () => Promise<T> {
  type Entry = { settledAt: number | null; value: Promise<T> };
  let entry: Entry | null = null;
  return () => {
    if (entry && (entry.settledAt === null || Date.now() - entry.settledAt < ttlMs))
      return entry.value;
    const current: Entry = { settledAt: null, value: load() };
    const settle = () => {
      current.settledAt = Date.now();
    };
    current.value.then(settle, settle);
    entry = current;
    return current.value;
  };
}

export const CLOSED_BY_HAND_GAUGE = `${PREFIX}recoveries_closed_by_hand`;

/**
 * Recoveries terminated, cancelled or timed out, from Temporal's visibility (the workflow
 * writes no final transition then, so the audit tables can't count them). Registered once
 * per registry by the app that has the Temporal client; series are dropped for a scrape
 * where Temporal can't count.
 */
export function registerClosedByHandGauge(
  registry: Registry,
  count: () => Promise<ClosedByHandCounts>,
  options: { logger?: Logger; cacheMs?: number } = {},
): void {
  if (registry.getSingleMetric(CLOSED_BY_HAND_GAUGE)) return;
  const read = cached(async (): Promise<ClosedByHandCounts | null> => {
    try {
      return await count();
    } catch (err) {
      options.logger?.warn({ err }, 'metrics: Temporal could not count recoveries closed by hand');
      return null;
    }
  }, options.cacheMs ?? AUDIT_CACHE_MS);
  new Gauge({
    name: CLOSED_BY_HAND_GAUGE,
    help: 'Recoveries closed by hand (terminated, cancelled) or timed out, by execution status, from Temporal visibility',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const counts = await read();
      this.reset();
      if (!counts) return;
      for (const status of CLOSED_BY_HAND) this.set({ status }, counts[status]);
    },
  });
}
