import type { Db } from '../db/connect';
import type { TimeRange } from '../db/pages';
import { cohortEndings, firstSmsByGateway } from '../db/recovery-events';
import { deliveredSmsByGateway } from '../db/sms-messages';
import { pixPaymentsSeen } from '../db/webhook-events';
import { GATEWAYS } from '../domain/payment-event';
import { formatBrl } from '../sms/template';
import type { RevenueLine, Stats } from './shapes';

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

  const [charges, attempted, delivered, endings] = await Promise.all([
    pixPaymentsSeen(db, window, GATEWAYS),
    firstSmsByGateway(db, window, GATEWAYS),
    deliveredSmsByGateway(db, window, GATEWAYS),
    cohortEndings(db, window, GATEWAYS),
  ]);
  for (const [gateway, t] of tallies) {
    t.pixChargesSeen = charges.get(gateway) ?? 0;
    t.recoveriesAttempted = attempted.get(gateway) ?? 0;
    t.smsDelivered = delivered.get(gateway) ?? 0;
  }

  const seen = new Set<string>();
  for (const ending of endings) {
    const t = tallies.get(ending.gateway);
    // A workflow ends once; a repeated row (a re-recorded transition) must not count twice.
    if (!t || seen.has(ending.workflowId)) continue;
    seen.add(ending.workflowId);
    // `cancelled` after an SMS: paid before Twilio accepted it, so not a recovery; nor is
    // one an operator closed (`closed_by_hand`, written when Temporal reports it).
    if (ending.status !== 'recovered') {
      t.notRecovered += 1;
      continue;
    }
    t.recovered += 1;
    const { amountCentavos, msFromSmsToPaid } = ending.detail;
    if (typeof amountCentavos === 'number') t.recoveredCentavos += amountCentavos;
    if (typeof msFromSmsToPaid === 'number') t.msToPay.push(msFromSmsToPaid);
  }

  const total = [...tallies.values()].reduce(addTally, emptyTally());
  return {
    total: toLine(total),
    byGateway: Object.fromEntries(
      [...tallies].map(([gateway, t]) => [gateway, toLine(t)]),
    ) as Stats['revenue']['byGateway'],
  };
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
