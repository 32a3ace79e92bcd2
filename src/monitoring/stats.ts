import type { Db } from '../db/connect';
import type { RecoveryStatus } from '../domain/recovery-status';
import { SENT_OR_BEYOND } from '../domain/sms-status';
import type { RecoveryClient } from '../temporal/recovery-client';
import { loadRevenue } from './revenue';
import type { Stats } from './shapes';
import { withinRange, type TimeRange } from './time-range';

type Counted = Record<string, unknown> & { n: unknown };

/** The recovery statuses the stats count, each under its camel-cased name in the JSON. */
const RECOVERY_COUNTS = {
  waiting: 'waiting',
  cancelled: 'cancelled',
  smsSent: 'sms_sent',
  smsFailed: 'sms_failed',
  recovered: 'recovered',
  notRecovered: 'not_recovered',
} as const satisfies Record<string, RecoveryStatus>;

/** Where stats learn of recoveries closed by hand: Temporal's visibility. */
export type ClosedByHandSource = Pick<RecoveryClient, 'closedByHand'>;

/**
 * Totals over `[from, to)`: webhooks by receipt, transitions by occurrence, SMS by creation,
 * recoveries closed by hand by their close time (from Temporal, when it answers).
 */
export async function loadStats(
  db: Db,
  window: Required<TimeRange>,
  temporal?: ClosedByHandSource,
): Promise<Stats> {
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
  const rows = await withinRange(db('webhook_events'), 'received_at', window)
    .select('gateway', 'payment_status')
    .count<Counted[]>({ n: '*' })
    .groupBy('gateway', 'payment_status');
  const byGateway: Stats['webhooks']['byGateway'] = {};
  for (const row of rows) {
    const gateway = (byGateway[String(row.gateway)] ??= { total: 0, byStatus: {} });
    gateway.total += Number(row.n);
    gateway.byStatus[String(row.payment_status)] = Number(row.n);
  }
  return { total: rows.reduce((sum, row) => sum + Number(row.n), 0), byGateway };
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
  const rows = await withinRange(db('recovery_events'), 'occurred_at', window)
    .select('transition')
    .countDistinct<Counted[]>({ n: 'workflow_id' })
    .groupBy('transition');
  const byTransition = new Map(rows.map((row) => [String(row.transition), Number(row.n)]));
  const entries = Object.entries(RECOVERY_COUNTS).map(([name, transition]) => [
    name,
    byTransition.get(transition) ?? 0,
  ]);
  return Object.fromEntries(entries) as Omit<Stats['recoveries'], 'closedByHand'>;
}

async function smsCounts(db: Db, window: Required<TimeRange>): Promise<Stats['sms']> {
  const rows = await withinRange(db('sms_messages'), 'created_at', window)
    .select('status')
    .count<Counted[]>({ n: '*' })
    .groupBy('status');
  const byStatus = Object.fromEntries(rows.map((row) => [String(row.status), Number(row.n)]));
  const delivered = byStatus.delivered ?? 0;
  const sentOrBeyond = SENT_OR_BEYOND.reduce((sum, status) => sum + (byStatus[status] ?? 0), 0);
  return {
    total: rows.reduce((sum, row) => sum + Number(row.n), 0),
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
  const rows = await withinRange(db('sms_messages'), 'created_at', window)
    .whereNotNull('error_code')
    .select('error_code')
    .count<Counted[]>({ n: '*' })
    .groupBy('error_code')
    .orderBy([{ column: 'n', order: 'desc' }, { column: 'error_code' }]);
  return rows.map((row) => ({ code: Number(row.error_code), count: Number(row.n) }));
}
