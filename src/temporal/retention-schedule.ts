import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import {
  RETENTION_SCHEDULE_ID,
  RETENTION_WORKFLOW_TYPE,
  type RetentionInput,
} from '../../workflows/retention';

export interface RetentionSchedule {
  taskQueue: string;
  retentionMs: number;
  claimWindowMs: number;
}

export const RETENTION_BATCH_SIZE = 500;
const PAUSE_MS = 1_000;

/**
 * The daily data-retention run, as a Temporal Schedule. Created at worker start; when it
 * exists already (another worker, an earlier start) its action is brought up to date with
 * this worker's settings, so a changed DATA_RETENTION applies from the next run. Returns
 * whether it was created.
 */
export async function ensureRetentionSchedule(
  client: Client,
  settings: RetentionSchedule,
): Promise<'created' | 'updated'> {
  const input: RetentionInput = {
    retentionMs: settings.retentionMs,
    claimWindowMs: settings.claimWindowMs,
    batchSize: RETENTION_BATCH_SIZE,
    pauseMs: PAUSE_MS,
  };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: RETENTION_WORKFLOW_TYPE,
    workflowId: 'data-retention',
    taskQueue: settings.taskQueue,
    args: [input],
  };
  try {
    await client.schedule.create({
      scheduleId: RETENTION_SCHEDULE_ID,
      // 04:00 UTC is 01:00 in São Paulo: the quietest hour for the intake.
      spec: { calendars: [{ hour: 4, minute: 0 }] },
      action,
      // One run at a time; a run still busy at the next day's start is left to finish.
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule
      .getHandle(RETENTION_SCHEDULE_ID)
      .update((previous) => ({ ...previous, action }));
    return 'updated';
  }
}
