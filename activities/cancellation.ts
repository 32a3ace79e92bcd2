import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { isTerminal } from '../src/domain/payment-event';
import { stateQuery } from '../workflows/definitions';

/**
 * Cancellation reaches an activity only in answer to a heartbeat, so the SMS activity
 * heartbeats before its Twilio call and while the call runs. Outside a worker (activity
 * tests calling the function directly) there is no context and nothing to honour.
 */
export function currentContext(): Context | null {
  try {
    return Context.current();
  } catch {
    return null;
  }
}

/** How long the workflow may take to answer whether it still wants the SMS. */
const ASK_DEADLINE_MS = 5_000;

/**
 * Right before the Twilio call: has the workflow asked to stop this send? Cancellation
 * reaches a running activity only in answer to a heartbeat, which may come after the call
 * has started, so the workflow's own state is asked too (its `state` query reflects every
 * status it has applied). A query that fails fails the attempt: Temporal retries it.
 */
export async function sendStopped(workflowId: string): Promise<boolean> {
  const ctx = currentContext();
  if (!ctx) return false;
  ctx.heartbeat();
  if (ctx.cancellationSignal.aborted) return true;
  const client = clientOf(ctx);
  if (!client) return false;
  const state = await client.withDeadline(Date.now() + ASK_DEADLINE_MS, () =>
    client.workflow.getHandle(workflowId).query(stateQuery),
  );
  return state.lastPaymentStatus !== null && isTerminal(state.lastPaymentStatus);
}

/** A worker always has one; an activity run by a test harness without a client has none. */
export function clientOf(ctx: Context): Client | null {
  try {
    return ctx.client;
  } catch {
    return null;
  }
}

const KEEP_ALIVE_MS = 1_000;

/**
 * Runs a call that must not be abandoned halfway (Twilio may accept the message), with
 * heartbeats so a slow answer isn't taken for a dead worker; the SDK throttles them.
 */
export async function keepAlive<T>(call: () => Promise<T>): Promise<T> {
  const ctx = currentContext();
  if (!ctx) return call();
  ctx.heartbeat();
  const timer = setInterval(() => ctx.heartbeat(), KEEP_ALIVE_MS);
  try {
    return await call();
  } finally {
    clearInterval(timer);
  }
}
