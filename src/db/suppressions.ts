import { toDate, type Db } from './connect';

export const SUPPRESSION_REASONS = ['opt_out_reply', 'twilio_21610', 'manual'] as const;

export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

export interface Suppression {
  id: number;
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

type Key = { phone_e164: string } | { id: number };

/** Removes the entry; what it was, or null when there was none. */
export async function unsuppress(db: Db, key: Key): Promise<Suppression | null> {
  return db.transaction(async (tx) => {
    const row = (await tx('suppressed_numbers').where(key).first()) as
      Record<string, unknown> | undefined;
    if (!row) return null;
    await tx('suppressed_numbers').where({ id: row.id }).delete();
    return fromRow(row);
  });
}

export async function findSuppression(db: Db, key: Key): Promise<Suppression | null> {
  const row = (await db('suppressed_numbers').where(key).first()) as
    Record<string, unknown> | undefined;
  return row ? fromRow(row) : null;
}

export function fromRow(row: Record<string, unknown>): Suppression {
  return {
    id: Number(row.id),
    phoneE164: String(row.phone_e164),
    reason: row.reason as SuppressionReason,
    detail: typeof row.detail === 'string' ? row.detail : null,
    createdAt: toDate(row.created_at)!,
  };
}
