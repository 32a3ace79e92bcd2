import { toDate, type Db } from './connect';

export type SuppressionReason = 'opt_out_reply' | 'twilio_21610' | 'manual';

export interface Suppression {
  phoneE164: string;
  reason: SuppressionReason;
  detail: string | null;
  createdAt: Date;
}

export async function isSuppressed(db: Db, phoneE164: string): Promise<boolean> {
  return (
    (await db('suppressed_numbers').where({ phone_e164: phoneE164 }).first('phone_e164')) !==
    undefined
  );
}

/** Adds the number; a number already suppressed keeps its first reason. */
export async function suppress(
  db: Db,
  phoneE164: string,
  reason: SuppressionReason,
  detail?: string,
): Promise<boolean> {
  const inserted = await db('suppressed_numbers')
    .insert({
      phone_e164: phoneE164,
      reason,
      detail: detail?.slice(0, 512) ?? null,
      created_at: new Date(),
    })
    .onConflict('phone_e164')
    .ignore()
    .returning('phone_e164');
  return inserted.length > 0;
}

export async function unsuppress(db: Db, phoneE164: string): Promise<boolean> {
  return (await db('suppressed_numbers').where({ phone_e164: phoneE164 }).delete()) > 0;
}

export async function listSuppressions(
  db: Db,
  limit: number,
  after?: string,
): Promise<Suppression[]> {
  const query = db('suppressed_numbers').orderBy('phone_e164', 'asc').limit(limit);
  if (after) void query.where('phone_e164', '>', after);
  const rows = (await query) as Record<string, unknown>[];
  return rows.map((row) => ({
    phoneE164: String(row.phone_e164),
    reason: row.reason as SuppressionReason,
    detail: typeof row.detail === 'string' ? row.detail : null,
    createdAt: toDate(row.created_at)!,
  }));
}
