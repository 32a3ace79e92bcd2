import type { Db } from '../db/connect';
import { GATEWAYS } from '../domain/payment-event';
import { formatBrl } from '../sms/template';
import type { RevenueLine, Stats } from './shapes';
import { withinRange, type TimeRange } from './time-range';

type Row = Record<string, unknown>;

interface Tally {
  pixChargesSeen: number;
  recoveriesAttempted: number;
  smsDelivered: number;
  recovered: number;
  notRecovered: number;
  recoveredCentavos: number;
  msToPay: number[];
}

const emptyTally = (): Tally => ({
  pixChargesSeen: 0,
  recoveriesAttempted: 0,
  smsDelivered: 0,
  recovered: 0,
  notRecovered: 0,
  recoveredCentavos: 0,
  msToPay: [],
});

/**
 * What recovery earned, per gateway. Charges are counted by when their webhook arrived and
 * delivered SMS by when they were created; recoveries by when their first SMS went out, so
 * the outcome of every recovery counted (recovered, not recovered, still open) is that of
 * the same payments, and the rate is a share of them.
 */
export async function loadRevenue(db: Db, window: Required<TimeRange>): Promise<Stats['revenue']> {
  const tallies = new Map<string, Tally>(GATEWAYS.map((g) => [g, emptyTally()]));
  const tally = (gateway: unknown): Tally | undefined => tallies.get(String(gateway));

  const [charges, attempted, delivered, outcomes] = await Promise.all([
    pixChargesSeen(db, window),
    db
      .from(firstSmsIn(db, window).as('c'))
      .select('gateway')
      .count<Row[]>({ n: '*' })
      .groupBy('gateway'),
    deliveredSms(db, window),
    outcomesOfCohort(db, window),
  ]);
  for (const row of charges) tally(row.gateway)!.pixChargesSeen = Number(row.n);
  for (const row of attempted) {
    const t = tally(row.gateway);
    if (t) t.recoveriesAttempted = Number(row.n);
  }
  for (const row of delivered) tally(row.gateway)!.smsDelivered = Number(row.n);

  const seen = new Set<string>();
  for (const row of outcomes) {
    const t = tally(row.gateway);
    // A workflow ends once; a repeated row (a re-recorded transition) must not count twice.
    if (!t || seen.has(String(row.workflow_id))) continue;
    seen.add(String(row.workflow_id));
    // `cancelled` after an SMS: paid before Twilio accepted it, so not a recovery.
    if (row.transition !== 'recovered') {
      t.notRecovered += 1;
      continue;
    }
    t.recovered += 1;
    const detail = parseDetail(row.detail);
    if (typeof detail.amountCentavos === 'number') t.recoveredCentavos += detail.amountCentavos;
    if (typeof detail.msFromSmsToPaid === 'number') t.msToPay.push(detail.msFromSmsToPaid);
  }

  const total = [...tallies.values()].reduce(addTally, emptyTally());
  return {
    total: toLine(total),
    byGateway: Object.fromEntries(
      [...tallies].map(([gateway, t]) => [gateway, toLine(t)]),
    ) as Stats['revenue']['byGateway'],
  };
}

async function pixChargesSeen(db: Db, window: Required<TimeRange>): Promise<Row[]> {
  return withinRange(db('webhook_events'), 'received_at', window)
    .where('payment_method', 'pix')
    .whereIn('gateway', GATEWAYS)
    .select('gateway')
    .countDistinct<Row[]>({ n: 'payment_id' })
    .groupBy('gateway');
}

/** Recovery SMS (test messages have no gateway) created in the window that reached the handset. */
async function deliveredSms(db: Db, window: Required<TimeRange>): Promise<Row[]> {
  return withinRange(db('sms_messages'), 'created_at', window)
    .where('status', 'delivered')
    .whereIn('gateway', GATEWAYS)
    .select('gateway')
    .count<Row[]>({ n: '*' })
    .groupBy('gateway');
}

/** One row per workflow whose first recovery SMS went out inside the window. */
function firstSmsIn(db: Db, window: Required<TimeRange>) {
  return db('recovery_events')
    .where('transition', 'sms_sent')
    .whereIn('gateway', GATEWAYS)
    .select('workflow_id', 'gateway')
    .groupBy('workflow_id', 'gateway')
    .havingRaw('min(occurred_at) >= ? and min(occurred_at) < ?', [window.from, window.to]);
}

/**
 * How those workflows ended, if they have: recovered (with amount and time) or not. Newest
 * first, so a step's `cancelled` recorded before the recovery's final row doesn't decide.
 */
async function outcomesOfCohort(db: Db, window: Required<TimeRange>): Promise<Row[]> {
  return db('recovery_events as r')
    .join(firstSmsIn(db, window).as('c'), 'c.workflow_id', 'r.workflow_id')
    .whereIn('r.transition', ['recovered', 'not_recovered', 'cancelled'])
    .select('r.workflow_id', 'r.gateway', 'r.transition', 'r.detail')
    .orderBy('r.id', 'desc');
}

function parseDetail(value: unknown): Record<string, unknown> {
  if (typeof value !== 'string') return {};
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function addTally(sum: Tally, t: Tally): Tally {
  return {
    pixChargesSeen: sum.pixChargesSeen + t.pixChargesSeen,
    recoveriesAttempted: sum.recoveriesAttempted + t.recoveriesAttempted,
    smsDelivered: sum.smsDelivered + t.smsDelivered,
    recovered: sum.recovered + t.recovered,
    notRecovered: sum.notRecovered + t.notRecovered,
    recoveredCentavos: sum.recoveredCentavos + t.recoveredCentavos,
    msToPay: [...sum.msToPay, ...t.msToPay],
  };
}

function toLine(t: Tally): RevenueLine {
  const median = medianOf(t.msToPay);
  return {
    pixChargesSeen: t.pixChargesSeen,
    recoveriesAttempted: t.recoveriesAttempted,
    smsDelivered: t.smsDelivered,
    recovered: t.recovered,
    notRecovered: t.notRecovered,
    stillOpen: Math.max(0, t.recoveriesAttempted - t.recovered - t.notRecovered),
    recoveryRate: t.recoveriesAttempted === 0 ? null : t.recovered / t.recoveriesAttempted,
    recoveredCentavos: t.recoveredCentavos,
    recoveredAmount: formatBrl(t.recoveredCentavos),
    medianMsToPay: median,
    medianTimeToPay: median === null ? null : humanDuration(median),
  };
}

/** The middle value; the mean of the two middle ones for an even count. */
export function medianOf(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : Math.round((sorted[mid - 1] + sorted[mid]) / 2);
}

/** `1h 02m`, `14m 05s`, `42s`, `850ms`: for people reading the JSON. */
export function humanDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = Math.round(ms / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (h > 0) return `${h}h ${pad(m)}m`;
  if (m > 0) return `${m}m ${pad(s)}s`;
  return `${s}s`;
}
