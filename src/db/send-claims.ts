import type { Knex } from 'knex';
import type { Db } from './connect';

export interface SendClaim {
  phoneE164: string;
  workflowId: string;
  step: number;
  windowMs: number;
  maxPerWindow: number;
}

/**
 * Takes one of the number's sends in the frequency window, atomically: two recoveries racing
 * for the same number can't both get the last slot. Steps of one recovery's own sequence
 * don't count against each other. Idempotent: a retried step finds its own claim.
 */
export async function claimSendSlot(db: Db, claim: SendClaim): Promise<boolean> {
  return db.transaction(async (trx) => {
    await lockPhone(trx, claim.phoneE164);
    const own = await trx('sms_send_claims')
      .where({ workflow_id: claim.workflowId, step: claim.step })
      .first('id');
    if (own) return true;
    const since = new Date(Date.now() - claim.windowMs);
    const others = await trx('sms_send_claims')
      .where('phone_e164', claim.phoneE164)
      .andWhere('claimed_at', '>', since)
      .andWhereNot('workflow_id', claim.workflowId)
      .count<{ count: number | string }[]>({ count: '*' });
    if (Number(others[0].count) >= claim.maxPerWindow) return false;
    await trx('sms_send_claims').insert({
      phone_e164: claim.phoneE164,
      workflow_id: claim.workflowId,
      step: claim.step,
      claimed_at: new Date(),
    });
    return true;
  });
}

/** A send that failed for good gives its slot back. */
export async function releaseSendSlot(db: Db, workflowId: string, step: number): Promise<void> {
  await db('sms_send_claims').where({ workflow_id: workflowId, step }).delete();
}

/** Steps that will never send give their slots back. */
export async function releaseSendSlots(db: Db, workflowId: string, steps: number[]): Promise<void> {
  if (steps.length === 0) return;
  await db('sms_send_claims').where({ workflow_id: workflowId }).whereIn('step', steps).delete();
}

/**
 * PostgreSQL: a transaction-scoped advisory lock per number. SQLite needs none: the
 * embedded database has one connection, so its transactions already run one at a time.
 */
async function lockPhone(trx: Knex.Transaction, phoneE164: string): Promise<void> {
  if (trx.client.config.client === 'pg')
    await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [phoneE164]);
}
