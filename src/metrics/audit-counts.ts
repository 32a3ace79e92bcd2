import type { Db } from '../db/connect';
import { outboxBacklog, type OutboxBacklog } from '../db/outbox';
import { finalStatusCounts } from '../db/recovery-events';
import { smsCountsByStatusAndError, type SmsCount } from '../db/sms-messages';
import { GATEWAYS, type Gateway } from '../domain/payment-event';
import type { FinalRecoveryStatus } from '../domain/recovery-status';
import { SETTLED_SMS_STATUSES } from '../domain/sms-status';
import { loadRevenue } from '../monitoring/revenue';

export interface AuditCounts {
  /** Finished recoveries by final status (cancelled, sms_failed, recovered, …). */
  recoveries: Map<FinalRecoveryStatus, number>;
  sms: SmsCount[];
  /** Centavos recovered in the last 24 hours, by gateway (as `stats` counts them). */
  recoveredCentavos: Map<Gateway, number>;
  /** Webhooks stored but not yet handed to Temporal. */
  outbox: OutboxBacklog;
}

export const REVENUE_WINDOW_MS = 24 * 3_600_000;

/**
 * Read-only counts for the metrics endpoint: two grouped scans on indexed columns, the
 * outbox's backlog, and the last 24 hours of `stats`' revenue.
 */
export async function readAuditCounts(db: Db, now = new Date()): Promise<AuditCounts> {
  const [recoveries, sms, revenue, outbox] = await Promise.all([
    finalStatusCounts(db),
    smsCountsByStatusAndError(db),
    loadRevenue(db, { from: new Date(now.getTime() - REVENUE_WINDOW_MS), to: now }),
    outboxBacklog(db),
  ]);
  return {
    recoveries,
    sms,
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
    if (!SETTLED_SMS_STATUSES.includes(status)) continue;
    settled += count;
    if (status === 'delivered') delivered += count;
  }
  return settled === 0 ? null : delivered / settled;
}
