/**
 * When the worker has not recorded `waiting` for every recovery a bench started, which
 * ones lack it and why: a webhook still in the outbox (not handed off yet), or handed off
 * and then what Temporal holds for its workflow (none at all: the signal never arrived;
 * a workflow task still pending: the worker is behind; anything else: look at it).
 */
import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { Db } from '../src/db/connect';

const { WorkflowExecutionStatus, PendingWorkflowTaskState } = temporal.api.enums.v1;
/** gRPC's NOT_FOUND: Temporal has no execution with that workflow id. */
const NOT_FOUND = 5;

export interface UnrecordedWebhook {
  workflowId: string;
  webhookEventId: number;
  /** Still in the outbox: how many sweeps claimed it, and the last hand-off error. */
  outbox: { attempts: number; lastError: string | null } | null;
  handedOffAt: string | null;
  /** For handed-off webhooks (the first `describeLimit`), Temporal's view of the workflow. */
  temporal?: string;
}

export interface Unrecorded {
  /** `waiting` rows recorded, against the recoveries started. */
  recorded: number;
  expected: number;
  /** Webhooks routed to a recovery whose workflow recorded no `waiting`. */
  webhooks: UnrecordedWebhook[];
}

/** The workflow as Temporal describes it, in a few words. */
export async function describeInTemporal(
  connection: Connection,
  workflowId: string,
): Promise<string> {
  try {
    const { workflowExecutionInfo: info, pendingWorkflowTask: task } =
      await connection.workflowService.describeWorkflowExecution({
        namespace: 'default',
        execution: { workflowId },
      });
    const status = WorkflowExecutionStatus[info?.status ?? 0].replace(
      'WORKFLOW_EXECUTION_STATUS_',
      '',
    );
    const pending = task
      ? `, workflow task ${PendingWorkflowTaskState[task.state ?? 0].replace('PENDING_WORKFLOW_TASK_STATE_', '')} (attempt ${task.attempt})`
      : '';
    return `${status.toLowerCase()}${pending.toLowerCase()}, ${String(info?.historyLength)} history events`;
  } catch (err) {
    if ((err as { code?: number }).code === NOT_FOUND) return 'not found';
    return `describe failed: ${(err as Error).message}`;
  }
}

/** The webhooks routed to a recovery that has no `waiting` row, oldest first. */
export async function unrecordedRecoveries(
  db: Db,
  expected: number,
  describe: (workflowId: string) => Promise<string>,
  describeLimit = 20,
): Promise<Unrecorded> {
  const [{ n }] = await db('recovery_events')
    .where({ transition: 'waiting' })
    .count<{ n: string }[]>({ n: '*' });
  const rows = await db('webhook_events as w')
    .leftJoin('outbox as o', 'o.webhook_event_id', 'w.id')
    .whereNotNull('w.workflow_id')
    .whereNotExists(
      db('recovery_events as r')
        .whereRaw('r.workflow_id = w.workflow_id')
        .where('r.transition', 'waiting'),
    )
    .orderBy('w.id')
    .select<
      {
        id: string;
        workflow_id: string;
        handed_off_at: Date | null;
        outbox_id: string | null;
        attempts: number | null;
        last_error: string | null;
      }[]
    >(
      'w.id',
      'w.workflow_id',
      'w.handed_off_at',
      'o.id as outbox_id',
      'o.attempts',
      'o.last_error',
    );
  const webhooks: UnrecordedWebhook[] = [];
  let described = 0;
  for (const row of rows) {
    const webhook: UnrecordedWebhook = {
      workflowId: row.workflow_id,
      webhookEventId: Number(row.id),
      outbox:
        row.outbox_id === null ? null : { attempts: row.attempts ?? 0, lastError: row.last_error },
      handedOffAt: row.handed_off_at ? new Date(row.handed_off_at).toISOString() : null,
    };
    if (webhook.handedOffAt && described < describeLimit) {
      described += 1;
      webhook.temporal = await describe(row.workflow_id);
    }
    webhooks.push(webhook);
  }
  return { recorded: Number(n), expected, webhooks };
}

/** One paragraph for the bench's progress output. */
export function formatUnrecorded(u: Unrecorded): string {
  const inOutbox = u.webhooks.filter((w) => w.outbox);
  const handedOff = u.webhooks.filter((w) => w.handedOffAt);
  const byState = new Map<string, string[]>();
  for (const w of handedOff) {
    if (!w.temporal) continue;
    byState.set(w.temporal, [...(byState.get(w.temporal) ?? []), w.workflowId]);
  }
  const states = [...byState].map(
    ([state, ids]) => `${ids.length} ${state} (${ids.slice(0, 3).join(', ')})`,
  );
  const example = inOutbox[0]
    ? ` (e.g. ${inOutbox[0].workflowId}, ${JSON.stringify(inOutbox[0].outbox)})`
    : '';
  const parts = [
    `the worker recorded waiting for ${u.recorded} of ${u.expected} recoveries`,
    `${u.webhooks.length} webhooks routed to a recovery have no waiting row: ` +
      `${inOutbox.length} still in the outbox${example}`,
    `${handedOff.length} handed off, in Temporal: ${states.join(' / ') || 'none looked up'}`,
  ];
  const unexplained = u.expected - u.recorded - u.webhooks.length;
  if (unexplained > 0)
    parts.push(`${unexplained} more started without a webhook (the bare client's) are missing`);
  return parts.join('; ');
}
