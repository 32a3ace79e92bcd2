import type { Db } from '../db/connect';
import { fromRow, type Suppression, type SuppressionReason } from '../db/suppressions';
import { maskPhone } from '../domain/phone';
import { keysetPage, type PageRequest } from './cursor';
import type { Page, SuppressionView } from './shapes';
import { maskText, type PhoneDisplay } from './views';

/** The suppression list, newest first, phones masked. */
export async function listSuppressions(
  db: Db,
  filters: { reason?: SuppressionReason },
  page: PageRequest,
): Promise<Page<SuppressionView>> {
  const query = db('suppressed_numbers');
  if (filters.reason !== undefined) void query.where('reason', filters.reason);
  const { rows, next } = await keysetPage(db, query, {
    table: 'suppressed_numbers',
    timeColumn: 'created_at',
    list: 'suppressions',
    page,
  });
  return { items: rows.map((row) => suppressionView(fromRow(row), 'masked')), next };
}

export function suppressionView(entry: Suppression, display: PhoneDisplay): SuppressionView {
  return {
    id: entry.id,
    phone: display === 'masked' ? maskPhone(entry.phoneE164) : entry.phoneE164,
    reason: entry.reason,
    detail: display === 'masked' ? maskText(entry.detail) : entry.detail,
    createdAt: entry.createdAt.toISOString(),
  };
}
