/** What the floor's workflow and its client share, so that neither can drift. */
import { defineSignal } from '@temporalio/workflow';

export const FLOOR_WORKFLOW = 'floorRecovery';
export const FLOOR_TASK_QUEUE = 'bench-floor';

export interface FloorInput {
  /** Epoch ms the timer fires at. */
  dueAt: number;
  to: string;
}

/** What `signalWithStart` sends along with the start; the workflow only accepts it. */
export const floorSignal = defineSignal('nudge');
