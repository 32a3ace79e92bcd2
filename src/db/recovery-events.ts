import type { Knex } from 'knex';
import { FINAL_RECOVERY_STATUSES } from '../domain/recovery-status';
import { toDate, type Db } from './connect';

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
  transition: string;
  detail: Record<string, unknown>;
  occurredAt: string;
}

export interface RecoveryEventRow {
  id: number;
  workflowId: string;
  gateway: string;
  paymentId: string;
  transition: string;
  detail: Record<string, unknown> | null;
  occurredAt: Date;
  recordedAt: Date;
}

export async function insertTransition(
  db: Db | Knex.Transaction,
  record: TransitionRecord,
): Promise<void> {
  await db('recovery_events')
    .insert({
      event_key: record.eventKey,
      workflow_id: record.workflowId,
      gateway: record.gateway,
      payment_id: record.paymentId,
      transition: record.transition,
      detail: JSON.stringify(record.detail),
      occurred_at: new Date(record.occurredAt),
      recorded_at: new Date(),
    })
    .onConflict('event_key')
    .ignore();
}

export async function transitionsForPayment(
  db: Db,
  gateway: string,
  paymentId: string,
): Promise<RecoveryEventRow[]> {
  const rows = await db('recovery_events')
    .where({ gateway, payment_id: paymentId })
    .orderBy('id', 'asc');
  return rows.map(fromRow);
}

/** This payment's transitions that ended its recovery for good. */
export function finalTransitions(db: Db, gateway: string, paymentId: string) {
  return db('recovery_events')
    .where({ gateway, payment_id: paymentId })
    .whereIn('transition', FINAL_RECOVERY_STATUSES)
    .select('id');
}

function fromRow(row: Record<string, unknown>): RecoveryEventRow {
  return {
    id: Number(row.id),
    workflowId: String(row.workflow_id),
    gateway: String(row.gateway),
    paymentId: String(row.payment_id),
    transition: String(row.transition),
    detail:
      typeof row.detail === 'string' ? (JSON.parse(row.detail) as Record<string, unknown>) : null,
    occurredAt: toDate(row.occurred_at)!,
    recordedAt: toDate(row.recorded_at)!,
  };
}
