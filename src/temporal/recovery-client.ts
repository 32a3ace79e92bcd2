import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdReusePolicy,
  type Client,
} from '@temporalio/client';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
import type { Gateway } from '../domain/payment-event';
import type { QuietHours } from '../../workflows/quiet-hours';
import {
  GATEWAY_KEY,
  PAYMENT_ID_KEY,
  paymentStatusSignal,
  recoveryWorkflowId,
  stateQuery,
  WORKFLOW_TYPE,
  type PaymentUpdate,
  type RecoveryInput,
  type RecoveryState,
} from '../../workflows/definitions';
import { formatDuration } from '../config/duration';
import {
  countClosedByHand,
  executionView,
  listClosedByHand,
  type ClosedByHandCounts,
  type ClosedRecovery,
  type ExecutionView,
} from './executions';
import { recoveryMetadata } from './recovery-metadata';

export type SignalResult =
  | { signalled: true; workflowId: string }
  | {
      signalled: false;
      workflowId: string;
      reason: 'recovery_finished';
      /** How Temporal says it closed: a recovery closed by hand has no final row of its own. */
      execution: ExecutionView;
    };

const SIGNAL_DEADLINE_MS = 5_000;
/** A query waits for a worker to answer it; with none polling it would wait indefinitely. */
const STATE_DEADLINE_MS = 5_000;

export interface RecoverySettings {
  taskQueue: string;
  delayMs: number;
  attributionWindowMs: number;
  /** A sequence of steps (defaults to one step of `delayMs`). */
  steps?: number[];
  quietHours?: QuietHours | null;
}

/** The webhook's and the monitoring API's way into the recovery workflows. */
export interface SignalOptions {
  /**
   * The delivery may have reached the workflow before (the outbox hands a row off again
   * when it could not record that Temporal accepted it): a closed recovery whose history
   * already holds this update's `eventId` answers `signalled`, not a refusal.
   */
  mayRepeat?: boolean;
  /**
   * Every call to Temporal this signal makes ends by then (gRPC DEADLINE_EXCEEDED) when that is
   * sooner than the usual 5 s: the outbox's claim on the row must outlast its hand-off.
   */
  deadline?: Date;
}

export interface RecoveryClient {
  signal(
    gateway: Gateway,
    paymentId: string,
    update: PaymentUpdate,
    options?: SignalOptions,
  ): Promise<SignalResult>;
  /** null when there is no such workflow; rejects (gRPC DEADLINE_EXCEEDED) after `timeoutMs`. */
  state(
    gateway: Gateway,
    paymentId: string,
    options?: { timeoutMs?: number },
  ): Promise<RecoveryState | null>;
  /**
   * How Temporal says the execution stands (running, completed, failed, or closed by hand);
   * null when there is no such workflow. Rejects after `timeoutMs` like `state`.
   */
  execution(
    gateway: Gateway,
    paymentId: string,
    options?: { timeoutMs?: number },
  ): Promise<ExecutionView | null>;
  /** Recoveries terminated, cancelled or timed out, closed within `window` when given. */
  closedByHand(window?: { from: Date; to: Date }): Promise<ClosedByHandCounts>;
  /** The recoveries closed by hand since `since`, newest first, at most `limit`. */
  listClosedByHand(since: Date, limit: number): Promise<ClosedRecovery[]>;
}

export function createRecoveryClient(client: Client, settings: RecoverySettings): RecoveryClient {
  return {
    async signal(gateway, paymentId, update, options = {}) {
      const workflowId = recoveryWorkflowId(gateway, paymentId);
      // The deadline ends the calls themselves, so none is still open when the row is handed
      // off again: an answer heard later would be taken for this hand-off's.
      const by = Math.min(Date.now() + SIGNAL_DEADLINE_MS, options.deadline?.getTime() ?? Infinity);
      const call = <T>(fn: () => Promise<T>) => client.withDeadline(by, fn);
      const input: RecoveryInput = {
        gateway,
        paymentId,
        delayMs: settings.delayMs,
        attributionWindowMs: settings.attributionWindowMs,
        steps: settings.steps ? [...settings.steps] : [settings.delayMs],
        quietHours: settings.quietHours ?? null,
        durations: readableDurations(settings),
      };
      try {
        await call(() =>
          client.workflow.signalWithStart(WORKFLOW_TYPE, {
            workflowId,
            taskQueue: settings.taskQueue,
            args: [input],
            signal: paymentStatusSignal,
            signalArgs: [update],
            // A closed recovery is never started again: a late `waiting` must not send.
            workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
            // Read only when this signal starts the workflow.
            ...recoveryMetadata(input, update, Date.now()),
            typedSearchAttributes: [
              { key: GATEWAY_KEY, value: gateway },
              { key: PAYMENT_ID_KEY, value: paymentId },
            ],
          }),
        );
        return { signalled: true, workflowId };
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        // Also raised when a concurrent signal started the same workflow a moment
        // earlier; only a closed recovery refuses the update.
        const handle = client.workflow.getHandle(workflowId);
        const { runId, status, closeTime } = await call(() => handle.describe());
        if (status.name !== 'RUNNING') {
          if (options.mayRepeat && (await call(() => receivedBefore(client, workflowId, update))))
            return { signalled: true, workflowId };
          const execution = executionView(runId, status.name, closeTime);
          return { signalled: false, workflowId, reason: 'recovery_finished', execution };
        }
        await call(() => handle.signal(paymentStatusSignal, update));
        return { signalled: true, workflowId };
      }
    },
    async state(gateway, paymentId, options = {}) {
      const deadline = Date.now() + (options.timeoutMs ?? STATE_DEADLINE_MS);
      try {
        const handle = client.workflow.getHandle(recoveryWorkflowId(gateway, paymentId));
        // The deadline ends the call itself: an abandoned query would stay open on the connection.
        return await client.withDeadline(deadline, () => handle.query(stateQuery));
      } catch (err) {
        if ((err as Error).name === 'WorkflowNotFoundError') return null;
        throw err;
      }
    },
    async execution(gateway, paymentId, options = {}) {
      const deadline = Date.now() + (options.timeoutMs ?? STATE_DEADLINE_MS);
      try {
        const handle = client.workflow.getHandle(recoveryWorkflowId(gateway, paymentId));
        const { runId, status, closeTime } = await client.withDeadline(deadline, () =>
          handle.describe(),
        );
        return executionView(runId, status.name, closeTime);
      } catch (err) {
        if ((err as Error).name === 'WorkflowNotFoundError') return null;
        throw err;
      }
    },
    closedByHand(window) {
      return countClosedByHand(client, window);
    },
    listClosedByHand(since, limit) {
      return listClosedByHand(client, since, limit);
    },
  };
}

/**
 * Whether the recovery's history holds a `paymentStatus` signal carrying this update's
 * event id: Temporal took this very delivery before, and it was applied or dropped then.
 */
async function receivedBefore(
  client: Client,
  workflowId: string,
  update: PaymentUpdate,
): Promise<boolean> {
  if (!update.eventId) return false;
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  for (const event of history.events ?? []) {
    const signalled = event.workflowExecutionSignaledEventAttributes;
    if (signalled?.signalName !== paymentStatusSignal.name) continue;
    const [received] = await decodeArrayFromPayloads(
      client.options.loadedDataConverter,
      signalled.input?.payloads,
    );
    if ((received as PaymentUpdate | undefined)?.eventId === update.eventId) return true;
  }
  return false;
}

/** The input's durations as people write them, for whoever reads it in the Web UI. */
function readableDurations(settings: RecoverySettings): NonNullable<RecoveryInput['durations']> {
  return {
    steps: (settings.steps ?? [settings.delayMs]).map(formatDuration),
    attributionWindow: formatDuration(settings.attributionWindowMs),
  };
}
