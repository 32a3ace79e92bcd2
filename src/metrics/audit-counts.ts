import type { Db } from '../db/connect';
import { outboxBacklog, type OutboxBacklog } from '../db/outbox';
import { FINAL_RECOVERY_STATUSES } from '../domain/recovery-status';
import { GATEWAYS, type Gateway } from '../domain/payment-event';
import { SETTLED_SMS_STATUSES, type SmsStatus } from '../domain/sms-status';
import { loadRevenue } from '../monitoring/revenue';

export interface SmsCount {
  status: string;
  /** Twilio's error code, '' when the message has none. */
  errorCode: string;
  count: number;
}

export interface AuditCounts {
  /** Finished recoveries by final transition (cancelled, sms_failed, recovered, …). */
  recoveries: Map<string, number>;
  sms: SmsCount[];
  /** Centavos recovered in the last 24 hours, by gateway (as `stats` counts them). */
  recoveredCentavos: Map<Gateway, number>;
  /** Deliveries stored but not yet handed to Temporal. */
  outbox: OutboxBacklog;
}

export const REVENUE_WINDOW_MS = 24 * 3_600_000;

/**
 * Read-only counts for the metrics endpoint. They live here rather than in src/db because
 * they exist only for the gauges and are shaped by them: two grouped scans on indexed columns,
 * and the last 24 hours of `stats`' revenue.
 */
export async function readAuditCounts(db: Db, now = new Date()): Promise<AuditCounts> {
  const [recoveries, sms, revenue, outbox] = await Promise.all([
    db('recovery_events')
      .whereIn('transition', FINAL_RECOVERY_STATUSES)
      .groupBy('transition')
      .select('transition')
      .count({ count: '*' }) as Promise<{ transition: string; count: number | string }[]>,
    db('sms_messages')
      .groupBy('status', 'error_code')
      .select('status', 'error_code')
      .count({ count: '*' }) as Promise<
      { status: string; error_code: number | null; count: number | string }[]
    >,
    loadRevenue(db, { from: new Date(now.getTime() - REVENUE_WINDOW_MS), to: now }),
    outboxBacklog(db),
  ]);
  return {
    recoveries: new Map(recoveries.map((row) => [row.transition, Number(row.count)])),
    sms: sms.map((row) => ({
      status: row.status,
      errorCode: row.error_code === null ? '' : String(row.error_code),
      count: Number(row.count),
    })),
    recoveredCentavos: new Map(
      GATEWAYS.map((gateway) => [gateway, revenue.byGateway[gateway].recoveredCentavos]),
    ),
    outbox,
  };
}

/** Delivered among messages with a settled status; null while none has settled. */
export function deliveryRatio(sms: SmsCount[]): number | null {
  let delivered = 0;
  let settled = 0;
  for (const { status, count } of sms) {
    if (!SETTLED_SMS_STATUSES.includes(status as SmsStatus)) continue;
    settled += count;
    if (status === 'delivered') delivered += count;
  }
  return settled === 0 ? null : delivered / settled;
}
