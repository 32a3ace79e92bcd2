import type { Db } from './connect';
import { finalTransitions } from './recovery-events';
import { endingDeliveries, handedOffDeliveries } from './webhook-events';

/** What the intake must know about a payment before handing a waiting delivery on. */
export interface PaymentHistory {
  /** A delivery for it carried a status that ends the sale. */
  ended: boolean;
  /** Its recovery reached a final transition. */
  recoveryFinished: boolean;
  /** A delivery other than `exceptId` already reached its workflow. */
  handedOffBefore: boolean;
}

/**
 * The three questions in one statement (`select exists …, exists …, exists …`): each
 * round trip to the database is paid for by every webhook, and the answers only need to
 * be read after the delivery is stored. PostgreSQL answers booleans, SQLite 0 or 1.
 */
export async function paymentHistory(
  db: Db,
  gateway: string,
  paymentId: string,
  exceptId: number,
): Promise<PaymentHistory> {
  const row = await db.first<{ ended: unknown; finished: unknown; handed_off: unknown }>(
    db.raw('exists ? as ended', [endingDeliveries(db, gateway, paymentId)]),
    db.raw('exists ? as finished', [finalTransitions(db, gateway, paymentId)]),
    db.raw('exists ? as handed_off', [handedOffDeliveries(db, gateway, paymentId, exceptId)]),
  );
  return {
    ended: Boolean(row.ended),
    recoveryFinished: Boolean(row.finished),
    handedOffBefore: Boolean(row.handed_off),
  };
}
