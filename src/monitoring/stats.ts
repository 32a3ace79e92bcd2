import type { Db } from '../db/connect';
import type { TimeRange } from '../db/pages';
import { recoveryStatusCounts } from '../db/recovery-events';
import { smsStatusCounts, twilioErrorCounts as errorCounts } from '../db/sms-messages';
import { webhookCounts as countWebhooks } from '../db/webhook-events';
import type { RecoveryStatus } from '../domain/recovery-status';
import { SENT_OR_BEYOND } from '../domain/sms-status';
import { recordClosuresSince, type ClosedByHandSource } from './closed-by-hand';
import { loadRevenue } from './revenue';
import type { Stats } from './shapes';

/** The recovery statuses the stats count, each under its camel-cased name in the JSON. */
const RECOVERY_COUNTS = {
  waiting: 'waiting',
  cancelled: 'cancelled',
  smsSent: 'sms_sent',
  smsFailed: 'sms_failed',
  recovered: 'recovered',
  notRecovered: 'not_recovered',
} as const satisfies Record<string, RecoveryStatus>;

export type { ClosedByHandSource };

/**
 * Totals over `[from, to)`: webhooks by receipt, transitions by occurrence, SMS by creation,
 * recoveries closed by hand by their close time (from Temporal, when it answers; their
 * `closed_by_hand` rows are written first, and a Temporal that can't list them leaves the
 * revenue as the audit tables stand).
 */
export async function loadStats(
  db: Db,
  window: Required<TimeRange>,
  temporal?: ClosedByHandSource,
): Promise<Stats> {
  // First, so a recovery closed by hand counts as over in the revenue (not still open).
  if (temporal) await recordClosuresSince(db, temporal, window.from).catch(() => undefined);
  const [webhooks, recoveries, sms, twilioErrors, revenue] = await Promise.all([
    webhookCounts(db, window),
    recoveryCounts(db, window, temporal),
    smsCounts(db, window),
    twilioErrorCounts(db, window),
    loadRevenue(db, window),
  ]);
  return {
    window: { from: window.from.toISOString(), to: window.to.toISOString() },
    webhooks,
    recoveries,
    sms,
    twilioErrors,
    revenue,
  };
}

async function webhookCounts(db: Db, window: Required<TimeRange>): Promise<Stats['webhooks']> {
  const counts = await countWebhooks(db, window);
  const byGateway: Stats['webhooks']['byGateway'] = {};
  for (const { gateway, paymentStatus, outcome, count } of counts) {
    const line = (byGateway[gateway] ??= { total: 0, byStatus: {}, byOutcome: {} });
    line.total += count;
    add(line.byStatus, paymentStatus, count);
    // Sellers need to see, per gateway, how many charges lacked a phone (`ignored: no phone`).
    if (outcome !== null) add(line.byOutcome, outcome, count);
  }
  return { total: counts.reduce((sum, { count }) => sum + count, 0), byGateway };
}

function add<K extends string>(counts: Partial<Record<K, number>>, key: K, n: number): void {
  counts[key] = (counts[key] ?? 0) + n;
}

async function recoveryCounts(
  db: Db,
  window: Required<TimeRange>,
  temporal?: ClosedByHandSource,
): Promise<Stats['recoveries']> {
  const [fromAudit, closedByHand] = await Promise.all([
    auditRecoveryCounts(db, window),
    closedByHandIn(window, temporal),
  ]);
  return { ...fromAudit, closedByHand };
}

/** Null when Temporal can't count (unreachable, or a server without visibility). */
async function closedByHandIn(
  window: Required<TimeRange>,
  temporal?: ClosedByHandSource,
): Promise<Stats['recoveries']['closedByHand']> {
  if (!temporal) return null;
  try {
    const counts = await temporal.closedByHand({ from: window.from, to: window.to });
    return {
      terminated: counts.terminated,
      cancelled: counts.cancelled,
      timedOut: counts.timed_out,
    };
  } catch {
    return null;
  }
}

async function auditRecoveryCounts(
  db: Db,
  window: Required<TimeRange>,
): Promise<Omit<Stats['recoveries'], 'closedByHand'>> {
  const byStatus = await recoveryStatusCounts(db, window);
  const entries = Object.entries(RECOVERY_COUNTS).map(([name, status]) => [
    name,
    byStatus.get(status) ?? 0,
  ]);
  return Object.fromEntries(entries) as Omit<Stats['recoveries'], 'closedByHand'>;
}

async function smsCounts(db: Db, window: Required<TimeRange>): Promise<Stats['sms']> {
  const counts = await smsStatusCounts(db, window);
  const byStatus = Object.fromEntries(counts);
  const delivered = byStatus.delivered ?? 0;
  const sentOrBeyond = SENT_OR_BEYOND.reduce((sum, status) => sum + (byStatus[status] ?? 0), 0);
  return {
    total: [...counts.values()].reduce((sum, n) => sum + n, 0),
    byStatus,
    delivered,
    sentOrBeyond,
    deliveryRate: sentOrBeyond === 0 ? null : delivered / sentOrBeyond,
  };
}

async function twilioErrorCounts(
  db: Db,
  window: Required<TimeRange>,
): Promise<Stats['twilioErrors']> {
  return errorCounts(db, window);
}
