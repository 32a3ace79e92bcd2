import {
  FINAL_RECOVERY_STATUSES,
  isFinalRecoveryStatus,
  RECOVERY_STATUSES,
  type FinalRecoveryStatus,
  type RecoveryStatus,
} from '../domain/recovery-status';
import { maskPhonesIn } from '../domain/phone';
import type { ClosedRecovery } from '../temporal/executions';
import { toDate, type Db } from './connect';
import { withinRange, type TimeRange } from './pages';
import { table, wordFrom, type Count, type Queryable, type RecoveryEventRow as Row } from './rows';
import { releaseSendSlots } from './send-claims';
import { settleUnsent } from './sms-messages';

export interface TransitionRecord {
  /**
   * What the row records: run, step and transition (`<workflow>:<run>:<step>:<transition>`).
   * Writing the same transition again (a retried activity or workflow task) is a no-op; a
   * different transition never shares a key, so no ending can be dropped as a duplicate.
   */
  eventKey: string;
  workflowId: string;
  gateway: string;
  paymentId: string;
  transition: RecoveryStatus;
  detail: Record<string, unknown>;
  occurredAt: string;
}

/** A recorded transition, as the monitoring API shows it. */
export interface RecoveryEvent {
  id: number;
  workflowId: string;
  gateway: string;
  paymentId: string;
  transition: RecoveryStatus;
  detail: Record<string, unknown> | null;
  occurredAt: Date;
  recordedAt: Date;
}

export async function insertTransition(db: Queryable, record: TransitionRecord): Promise<void> {
  await table(db, 'recovery_events')
    .insert({
      event_key: record.eventKey,
      workflow_id: record.workflowId,
      gateway: record.gateway,
      payment_id: record.paymentId,
      transition: record.transition,
      detail: JSON.stringify(withoutPhones(record.detail)),
      occurred_at: new Date(record.occurredAt),
      recorded_at: new Date(),
    })
    .onConflict('event_key')
    .ignore();
}

/** The detail fields that carry someone else's words (Twilio's error text names the number). */
const FREE_TEXT_KEYS = new Set(['reason', 'message']);

/**
 * A transition's detail as it is stored: a phone number inside free text (Twilio's "The
 * 'To' number +55… is not a valid phone number") is masked, since the audit needs the
 * reason, not the number, and an erasure could not find it there. Other fields (ids, sids,
 * times) are kept as they are.
 */
export function withoutPhones<T>(detail: T): T {
  if (Array.isArray(detail)) return detail.map((item: unknown) => withoutPhones(item)) as T;
  if (detail === null || typeof detail !== 'object') return detail;
  return Object.fromEntries(
    Object.entries(detail).map(([key, value]) => [
      key,
      typeof value === 'string' && FREE_TEXT_KEYS.has(key)
        ? maskPhonesIn(value)
        : withoutPhones(value),
    ]),
  ) as T;
}

/**
 * An erasure's pass over the recoveries of one number: rows written before details were
 * masked on write get the same masking now. Returns how many rows changed.
 */
export async function maskPhonesInTransitions(db: Db, workflowIds: string[]): Promise<number> {
  if (workflowIds.length === 0) return 0;
  const rows = await table(db, 'recovery_events')
    .whereIn('workflow_id', workflowIds)
    .select<{ id: number; detail: unknown }[]>('id', 'detail');
  let changed = 0;
  for (const row of rows) {
    if (row.detail === null) continue;
    // JSON text on SQLite, already parsed from jsonb on PostgreSQL.
    const detail: unknown = typeof row.detail === 'string' ? JSON.parse(row.detail) : row.detail;
    const masked = JSON.stringify(withoutPhones(detail));
    if (masked === JSON.stringify(detail)) continue;
    await table(db, 'recovery_events').where('id', row.id).update({ detail: masked });
    changed += 1;
  }
  return changed;
}

/**
 * Writes a transition. A final one also settles, in the same transaction, the SMS rows the
 * recovery left `pending` (sms_failed: failed; any other ending: cancelled), and gives back
 * the send slots of those certainly unsent.
 */
export async function writeTransition(db: Db, record: TransitionRecord): Promise<void> {
  await db.transaction(async (trx) => {
    await insertTransition(trx, record);
    if (!isFinalRecoveryStatus(record.transition)) return;
    const status = record.transition === 'sms_failed' ? 'failed' : 'cancelled';
    const unsent = await settleUnsent(trx, record.workflowId, status, record.transition);
    await releaseSendSlots(trx, record.workflowId, unsent);
  });
}

/**
 * A recovery Temporal reports terminated, cancelled or timed out: its workflow could write
 * no final row, so `closed_by_hand` is written for it, once per run (the key), with how it
 * closed. From then on the intake answers its waiting webhooks `ignored: recovery
 * finished` and the audit views count it as over.
 */
export async function recordClosedByHand(
  db: Db,
  closed: ClosedRecovery & { gateway: string; paymentId: string },
): Promise<void> {
  await writeTransition(db, {
    eventKey: `${closed.workflowId}:${closed.runId}:closed_by_hand`,
    workflowId: closed.workflowId,
    gateway: closed.gateway,
    paymentId: closed.paymentId,
    transition: 'closed_by_hand',
    detail: { executionStatus: closed.status, closedAt: closed.closedAt },
    occurredAt: closed.closedAt ?? new Date().toISOString(),
  });
}

/** Of these workflows, those that already have their `closed_by_hand` row. */
export async function closedByHandRecorded(
  db: Queryable,
  workflowIds: string[],
): Promise<Set<string>> {
  const rows = await table(db, 'recovery_events')
    .where('transition', 'closed_by_hand')
    .whereIn('workflow_id', workflowIds)
    .select('workflow_id');
  return new Set(rows.map((row) => row.workflow_id));
}

export async function transitionsForPayment(
  db: Queryable,
  gateway: string,
  paymentId: string,
): Promise<RecoveryEvent[]> {
  const rows = await table(db, 'recovery_events')
    .where({ gateway, payment_id: paymentId })
    .orderBy('id', 'asc');
  return rows.map(fromRow);
}

/** This payment's transitions that ended its recovery for good. */
export function finalTransitions(db: Queryable, gateway: string, paymentId: string) {
  return table(db, 'recovery_events')
    .where({ gateway, payment_id: paymentId })
    .whereIn('transition', FINAL_RECOVERY_STATUSES)
    .select('id');
}

function transitionFrom(transition: string): RecoveryStatus {
  return wordFrom(RECOVERY_STATUSES, 'recovery_events.transition', transition);
}

function fromRow(row: Row): RecoveryEvent {
  return {
    id: Number(row.id),
    workflowId: row.workflow_id,
    gateway: row.gateway,
    paymentId: row.payment_id,
    transition: transitionFrom(row.transition),
    detail: parseDetail(row.detail),
    occurredAt: toDate(row.occurred_at)!,
    recordedAt: toDate(row.recorded_at)!,
  };
}

function parseDetail(value: string | null): Record<string, unknown> | null {
  if (value === null) return null;
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Recoveries that reached each status in the window (a workflow counts once per status). */
export async function recoveryStatusCounts(
  db: Queryable,
  window: Required<TimeRange>,
): Promise<Map<RecoveryStatus, number>> {
  const rows = await withinRange(table(db, 'recovery_events'), 'occurred_at', window)
    .select('transition')
    .countDistinct<{ transition: string; n: Count }[]>({ n: 'workflow_id' })
    .groupBy('transition');
  return new Map(rows.map((row) => [transitionFrom(row.transition), Number(row.n)]));
}

/** Every finished recovery, by its final status (a repeated row counts again). */
export async function finalStatusCounts(db: Queryable): Promise<Map<FinalRecoveryStatus, number>> {
  const rows = await table(db, 'recovery_events')
    .whereIn('transition', FINAL_RECOVERY_STATUSES)
    .groupBy('transition')
    .select('transition')
    .count<{ transition: string; count: Count }[]>({ count: '*' });
  return new Map(
    rows.map((row) => [
      wordFrom(FINAL_RECOVERY_STATUSES, 'recovery_events.transition', row.transition),
      Number(row.count),
    ]),
  );
}

/** One row per workflow whose first recovery SMS went out inside the window. */
function firstSmsIn(db: Queryable, window: Required<TimeRange>, gateways: readonly string[]) {
  return table(db, 'recovery_events')
    .where('transition', 'sms_sent')
    .whereIn('gateway', gateways)
    .select('workflow_id', 'gateway')
    .groupBy('workflow_id', 'gateway')
    .havingRaw('min(occurred_at) >= ? and min(occurred_at) < ?', [window.from, window.to]);
}

/** How many recoveries, per gateway, sent their first SMS inside the window. */
export async function firstSmsByGateway(
  db: Queryable,
  window: Required<TimeRange>,
  gateways: readonly string[],
): Promise<Map<string, number>> {
  const rows = await db
    .from(firstSmsIn(db, window, gateways).as('c'))
    .select('gateway')
    .count<{ gateway: string; n: Count }[]>({ n: '*' })
    .groupBy('gateway');
  return new Map(rows.map((row) => [row.gateway, Number(row.n)]));
}

/** The final statuses that say how a recovery whose SMS went out ended, for revenue. */
const COHORT_ENDINGS = [
  'recovered',
  'not_recovered',
  'cancelled',
  'closed_by_hand',
] as const satisfies readonly FinalRecoveryStatus[];

export interface CohortEnding {
  workflowId: string;
  gateway: string;
  status: (typeof COHORT_ENDINGS)[number];
  detail: Record<string, unknown>;
}

/**
 * How the recoveries whose first SMS went out in the window ended, if they have. Newest
 * first, so a step's `cancelled` recorded before the recovery's final row doesn't decide.
 */
export async function cohortEndings(
  db: Queryable,
  window: Required<TimeRange>,
  gateways: readonly string[],
): Promise<CohortEnding[]> {
  const rows = await db<Row>('recovery_events as r')
    .join(firstSmsIn(db, window, gateways).as('c'), 'c.workflow_id', 'r.workflow_id')
    .whereIn('r.transition', COHORT_ENDINGS)
    .select<Pick<Row, 'workflow_id' | 'gateway' | 'transition' | 'detail'>[]>(
      'r.workflow_id',
      'r.gateway',
      'r.transition',
      'r.detail',
    )
    .orderBy('r.id', 'desc');
  return rows.map((row) => ({
    workflowId: row.workflow_id,
    gateway: row.gateway,
    status: wordFrom(COHORT_ENDINGS, 'recovery_events.transition', row.transition),
    detail: parseDetail(row.detail) ?? {},
  }));
}
