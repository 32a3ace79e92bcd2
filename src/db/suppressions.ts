import { toDate } from './connect';
import { keysetPage, type PageRequest, type RowPage } from './pages';
import { table, type Queryable, type SuppressedNumberRow } from './rows';

export const SUPPRESSION_REASONS = ['opt_out_reply', 'twilio_21610', 'manual'] as const;

export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

export interface Suppression {
  id: number;
  phoneE164: string;
  reason: SuppressionReason;
  detail: string | null;
  createdAt: Date;
}

export async function isSuppressed(db: Queryable, phoneE164: string): Promise<boolean> {
  return (
    (await table(db, 'suppressed_numbers').where({ phone_e164: phoneE164 }).first('phone_e164')) !==
    undefined
  );
}

/** Adds the number; a number already suppressed keeps its first reason. */
export async function suppress(
  db: Queryable,
  phoneE164: string,
  reason: SuppressionReason,
  detail?: string,
): Promise<boolean> {
  const inserted = await table(db, 'suppressed_numbers')
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
export async function unsuppress(db: Queryable, key: Key): Promise<Suppression | null> {
  return db.transaction(async (tx) => {
    const row = await table(tx, 'suppressed_numbers').where(key).first();
    if (!row) return null;
    await table(tx, 'suppressed_numbers').where({ id: row.id }).delete();
    return fromRow(row);
  });
}

export async function findSuppression(db: Queryable, key: Key): Promise<Suppression | null> {
  const row = await table(db, 'suppressed_numbers').where(key).first();
  return row ? fromRow(row) : null;
}

/** The suppression list, newest first. */
export async function suppressionsPage(
  db: Queryable,
  filters: { reason?: SuppressionReason },
  page: PageRequest,
): Promise<RowPage<Suppression>> {
  const query = table(db, 'suppressed_numbers');
  if (filters.reason !== undefined) void query.where('reason', filters.reason);
  const { rows, nextAfter } = await keysetPage(db, query, {
    table: 'suppressed_numbers',
    timeColumn: 'created_at',
    page,
  });
  return { rows: rows.map(fromRow), nextAfter };
}

/** Rows hold only reasons written through `SuppressionReason`. */
function fromRow(row: SuppressedNumberRow): Suppression {
  return {
    id: Number(row.id),
    phoneE164: row.phone_e164,
    reason: row.reason as SuppressionReason,
    detail: row.detail,
    createdAt: toDate(row.created_at)!,
  };
}
