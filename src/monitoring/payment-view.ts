import { isGrpcDeadlineError } from '@temporalio/client';
import type { Db } from '../db/connect';
import { recordClosedByHand, transitionsForPayment } from '../db/recovery-events';
import { smsForPayment } from '../db/sms-messages';
import { latestEventsForPayment } from '../db/webhook-events';
import type { Gateway } from '../domain/payment-event';
import { closedByHandOf } from '../temporal/executions';
import type { RecoveryClient } from '../temporal/recovery-client';
import { recoveryWorkflowId } from '../../workflows/definitions';
import type { PaymentView } from './shapes';
import { eventSummary, smsView, transitionView } from './views';

export interface PaymentViewDeps {
  db: Db;
  recoveries: Pick<RecoveryClient, 'state' | 'execution'>;
  /** The Temporal Web UI's base URL, e.g. http://localhost:8233 */
  temporalUiUrl: string;
  namespace: string;
  /** How long to wait for the workflow's `state` query (default 3 s). */
  stateTimeoutMs?: number;
}

/** A payment with thousands of webhooks is abuse; its view shows the latest ones. */
const MAX_EVENTS = 200;
const STATE_TIMEOUT_MS = 3_000;

/**
 * One payment's recovery as JSON: the live workflow state (null with a reason when Temporal
 * can't say), its webhook events, transitions and SMS, phones in full, and where to look
 * in the Temporal Web UI. Never throws for Temporal's sake; database errors do propagate.
 * A recovery Temporal reports closed by hand gets its `closed_by_hand` row here if nothing
 * wrote it yet (the write is idempotent).
 */
export async function loadPaymentView(
  deps: PaymentViewDeps,
  gateway: Gateway,
  paymentId: string,
): Promise<PaymentView> {
  const workflowId = recoveryWorkflowId(gateway, paymentId);
  const [workflow, execution, events] = await Promise.all([
    liveState(deps, gateway, paymentId),
    executionOf(deps, gateway, paymentId),
    latestEventsForPayment(deps.db, gateway, paymentId, MAX_EVENTS),
  ]);
  const closed = execution && closedByHandOf(workflowId, execution);
  if (closed) await recordClosedByHand(deps.db, { ...closed, gateway, paymentId });
  // Read after that write, so the view shows the final row and the settled SMS.
  const [transitions, sms] = await Promise.all([
    transitionsForPayment(deps.db, gateway, paymentId),
    smsForPayment(deps.db, gateway, paymentId),
  ]);
  return {
    gateway,
    paymentId,
    workflowId,
    workflow: { ...workflow, execution },
    links: { temporalUi: temporalUiLink(deps, workflowId) },
    events: events.map((row) => eventSummary(row, 'full')),
    transitions: transitions.map(transitionView),
    sms: sms.map((row) => smsView(row, 'full')),
  };
}

/** Nothing recorded and no workflow: the service never heard of this payment. */
export function isUnknownPayment(view: PaymentView): boolean {
  return (
    view.events.length === 0 &&
    view.transitions.length === 0 &&
    view.sms.length === 0 &&
    view.workflow.reason === 'workflow_not_found'
  );
}

export function temporalUiLink(
  deps: Pick<PaymentViewDeps, 'temporalUiUrl' | 'namespace'>,
  workflowId: string,
): string {
  const base = deps.temporalUiUrl.replace(/\/+$/, '');
  return `${base}/namespaces/${encodeURIComponent(deps.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

/**
 * The execution's status from Temporal: a recovery closed by hand (terminated, cancelled,
 * timed out) still answers its `state` query with where it stopped, so this says it is
 * over. Null when Temporal can't say (the `state` reason tells why).
 */
async function executionOf(
  deps: PaymentViewDeps,
  gateway: Gateway,
  paymentId: string,
): Promise<PaymentView['workflow']['execution']> {
  try {
    return await deps.recoveries.execution(gateway, paymentId, {
      timeoutMs: deps.stateTimeoutMs ?? STATE_TIMEOUT_MS,
    });
  } catch {
    return null;
  }
}

/** Never throws: no workflow, no answer in time or any other failure is a reason, not an error. */
async function liveState(
  deps: PaymentViewDeps,
  gateway: Gateway,
  paymentId: string,
): Promise<Omit<PaymentView['workflow'], 'execution'>> {
  try {
    const state = await deps.recoveries.state(gateway, paymentId, {
      timeoutMs: deps.stateTimeoutMs ?? STATE_TIMEOUT_MS,
    });
    return state ? { state, reason: null } : { state: null, reason: 'workflow_not_found' };
  } catch (err) {
    return {
      state: null,
      reason: isGrpcDeadlineError(err) ? 'temporal_timeout' : 'temporal_error',
    };
  }
}
