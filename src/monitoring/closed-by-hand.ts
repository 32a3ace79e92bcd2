import type { Db } from '../db/connect';
import { closedByHandRecorded, recordClosedByHand } from '../db/recovery-events';
import { GATEWAYS, type Gateway } from '../domain/payment-event';
import type { RecoveryClient } from '../temporal/recovery-client';

/** Where the audit views learn of recoveries closed by hand: Temporal's visibility. */
export type ClosedByHandSource = Pick<RecoveryClient, 'closedByHand' | 'listClosedByHand'>;

/** Operators close recoveries one at a time; more than this since a window's start is a bulk job. */
const MAX_CLOSURES = 1_000;

/**
 * Writes the `closed_by_hand` row of every recovery Temporal reports closed by hand since
 * `since` and that has none yet, so views computed from the audit tables (revenue's
 * recovered / not recovered / still open) count it as over. Needs a server with visibility.
 */
export async function recordClosuresSince(
  db: Db,
  temporal: ClosedByHandSource,
  since: Date,
): Promise<void> {
  const closures = await temporal.listClosedByHand(since, MAX_CLOSURES);
  if (closures.length === 0) return;
  const recorded = await closedByHandRecorded(
    db,
    closures.map((c) => c.workflowId),
  );
  for (const closed of closures) {
    const payment = paymentOf(closed.workflowId);
    if (payment && !recorded.has(closed.workflowId))
      await recordClosedByHand(db, { ...closed, ...payment });
  }
}

/** `recovery:<gateway>:<payment id>` (the id may itself hold colons). */
function paymentOf(workflowId: string): { gateway: Gateway; paymentId: string } | null {
  const [prefix, gateway, ...rest] = workflowId.split(':');
  if (prefix !== 'recovery' || !(GATEWAYS as readonly string[]).includes(gateway)) return null;
  return { gateway: gateway as Gateway, paymentId: rest.join(':') };
}
