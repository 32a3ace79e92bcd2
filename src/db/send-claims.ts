import type { Knex } from 'knex';
import { isPostgres } from './connect';
import { table, type Queryable } from './rows';

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
export async function claimSendSlot(db: Queryable, claim: SendClaim): Promise<boolean> {
  return db.transaction(async (trx) => {
    await lockPhone(trx, claim.phoneE164);
    const own = await table(trx, 'sms_send_claims')
      .where({ workflow_id: claim.workflowId, step: claim.step })
      .first('id');
    if (own) return true;
    const since = new Date(Date.now() - claim.windowMs);
    const others = await table(trx, 'sms_send_claims')
      .where('phone_e164', claim.phoneE164)
      .andWhere('claimed_at', '>', since)
      .andWhereNot('workflow_id', claim.workflowId)
      .count<{ count: number | string }[]>({ count: '*' });
    if (Number(others[0].count) >= claim.maxPerWindow) return false;
    await table(trx, 'sms_send_claims').insert({
      phone_e164: claim.phoneE164,
      workflow_id: claim.workflowId,
      step: claim.step,
      claimed_at: new Date(),
    });
    return true;
  });
}

/** A send that failed for good gives its slot back. */
export async function releaseSendSlot(
  db: Queryable,
  workflowId: string,
  step: number,
): Promise<void> {
  await table(db, 'sms_send_claims').where({ workflow_id: workflowId, step }).delete();
}

/** Steps that will never send give their slots back. */
export async function releaseSendSlots(
  db: Queryable,
  workflowId: string,
  steps: number[],
): Promise<void> {
  if (steps.length === 0) return;
  await table(db, 'sms_send_claims')
    .where({ workflow_id: workflowId })
    .whereIn('step', steps)
    .delete();
}

/** The number's claims go (a privacy erasure); how many there were. */
export async function deleteSendClaimsForPhone(db: Queryable, phoneE164: string): Promise<number> {
  return table(db, 'sms_send_claims').where({ phone_e164: phoneE164 }).delete();
}

/** Up to `limit` claims made before `cutoff`, oldest first; how many went. */
export async function deleteOldSendClaims(
  db: Queryable,
  cutoff: Date,
  limit: number,
): Promise<number> {
  const ids = table(db, 'sms_send_claims')
    .where('claimed_at', '<', cutoff)
    .orderBy('id')
    .limit(limit)
    .select('id');
  return table(db, 'sms_send_claims').whereIn('id', ids).delete();
}

/**
 * PostgreSQL: a transaction-scoped advisory lock per number. SQLite needs none: the
 * embedded database has one connection, so its transactions already run one at a time.
 */
async function lockPhone(trx: Knex.Transaction, phoneE164: string): Promise<void> {
  if (isPostgres(trx)) await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [phoneE164]);
}
