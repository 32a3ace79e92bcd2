import type { Queryable } from './rows';
import { finalTransitions } from './recovery-events';
import { endingEvents, routedEvents } from './webhook-events';

/** What the intake must know about a payment before routing a waiting webhook. */
export interface PaymentHistory {
  /** A webhook for it carried a status that ends the sale. */
  ended: boolean;
  /** Its recovery reached a final transition. */
  recoveryFinished: boolean;
  /** A webhook other than `exceptId` was already routed to its workflow. */
  routedBefore: boolean;
}

/**
 * The three questions in one statement (`select exists …, exists …, exists …`): each
 * round trip to the database is paid for by every webhook. Asked inside the intake's
 * transaction, before the webhook itself is stored (`exceptId` is for a webhook stored
 * earlier). PostgreSQL answers booleans, SQLite 0 or 1.
 */
export async function paymentHistory(
  db: Queryable,
  gateway: string,
  paymentId: string,
  exceptId?: number,
): Promise<PaymentHistory> {
  const row = await db.first<{ ended: unknown; finished: unknown; routed: unknown }>(
    db.raw('exists ? as ended', [endingEvents(db, gateway, paymentId)]),
    db.raw('exists ? as finished', [finalTransitions(db, gateway, paymentId)]),
    db.raw('exists ? as routed', [routedEvents(db, gateway, paymentId, exceptId)]),
  );
  return {
    ended: Boolean(row.ended),
    recoveryFinished: Boolean(row.finished),
    routedBefore: Boolean(row.routed),
  };
}
