import type { Client, WorkflowExecutionStatusName } from '@temporalio/client';
import { WORKFLOW_TYPE } from '../../workflows/definitions';

/**
 * Ways a recovery can be closed from outside its own code (Web UI, `temporal workflow
 * terminate|cancel`, a timeout). The workflow writes no final transition then, and its
 * `RecoveryStatus` search attribute keeps the last value it set: only the execution's
 * status, from Temporal, tells.
 */
export const CLOSED_BY_HAND = ['terminated', 'cancelled', 'timed_out'] as const;
export type ClosedByHand = (typeof CLOSED_BY_HAND)[number];

/** Temporal's name for each in visibility queries (`ExecutionStatus='Terminated'`). */
const VISIBILITY_STATUS: Record<ClosedByHand, string> = {
  terminated: 'Terminated',
  cancelled: 'Canceled',
  timed_out: 'TimedOut',
};

export type ExecutionStatus =
  'running' | 'completed' | 'failed' | ClosedByHand | 'continued_as_new' | 'unknown';

export interface ExecutionView {
  /** The run Temporal describes (the latest for the workflow id). */
  runId: string;
  status: ExecutionStatus;
  /** ISO-8601; null while running. */
  closedAt: string | null;
  closedByHand: boolean;
}

const FROM_SDK: Partial<Record<WorkflowExecutionStatusName, ExecutionStatus>> = {
  RUNNING: 'running',
  COMPLETED: 'completed',
  FAILED: 'failed',
  TERMINATED: 'terminated',
  CANCELLED: 'cancelled',
  TIMED_OUT: 'timed_out',
  CONTINUED_AS_NEW: 'continued_as_new',
};

export function executionView(
  runId: string,
  name: WorkflowExecutionStatusName,
  closeTime?: Date,
): ExecutionView {
  const status = FROM_SDK[name] ?? 'unknown';
  return {
    runId,
    status,
    closedAt: closeTime ? closeTime.toISOString() : null,
    closedByHand: (CLOSED_BY_HAND as readonly string[]).includes(status),
  };
}

export type ClosedByHandCounts = Record<ClosedByHand, number>;

/**
 * Recoveries closed by hand, from Temporal's visibility store (what the Web UI lists), by
 * close time within `window` when given. Needs a server with visibility (`start-dev` and
 * every real deployment; not the time-skipping test server).
 */
export async function countClosedByHand(
  client: Client,
  window?: { from: Date; to: Date },
): Promise<ClosedByHandCounts> {
  const within = window
    ? ` AND CloseTime >= '${window.from.toISOString()}' AND CloseTime < '${window.to.toISOString()}'`
    : '';
  const counts = await Promise.all(
    CLOSED_BY_HAND.map(async (status) => {
      const query = `WorkflowType='${WORKFLOW_TYPE}' AND ExecutionStatus='${VISIBILITY_STATUS[status]}'${within}`;
      const { count } = await client.workflow.count(query);
      return [status, count] as const;
    }),
  );
  return Object.fromEntries(counts) as ClosedByHandCounts;
}

/** A recovery Temporal reports closed by hand: what its audit row records. */
export interface ClosedRecovery {
  workflowId: string;
  runId: string;
  status: ClosedByHand;
  /** ISO-8601; null when Temporal gave no close time. */
  closedAt: string | null;
}

/** Recoveries closed by hand at or after `since`, newest first, at most `limit` of them. */
export async function listClosedByHand(
  client: Client,
  since: Date,
  limit: number,
): Promise<ClosedRecovery[]> {
  const statuses = CLOSED_BY_HAND.map((s) => `ExecutionStatus='${VISIBILITY_STATUS[s]}'`);
  const query = `WorkflowType='${WORKFLOW_TYPE}' AND (${statuses.join(' OR ')}) AND CloseTime >= '${since.toISOString()}'`;
  const found: ClosedRecovery[] = [];
  for await (const info of client.workflow.list({ query })) {
    const closed = closedByHandOf(
      info.workflowId,
      executionView(info.runId, info.status.name, info.closeTime),
    );
    if (closed) found.push(closed);
    if (found.length >= limit) break;
  }
  return found;
}

/** The execution as a recovery closed by hand; null when it is not one. */
export function closedByHandOf(workflowId: string, view: ExecutionView): ClosedRecovery | null {
  const { runId, status, closedAt } = view;
  if (!(CLOSED_BY_HAND as readonly string[]).includes(status)) return null;
  return { workflowId, runId, status: status as ClosedByHand, closedAt };
}
