import type { Db } from '../db/connect';
import type { PageRequest } from '../db/pages';
import { suppressionsPage, type Suppression, type SuppressionReason } from '../db/suppressions';
import { maskPhone } from '../domain/phone';
import { nextCursor } from './cursor';
import type { Page, SuppressionView } from './shapes';
import { maskText, type PhoneDisplay } from './views';

/** The suppression list, newest first, phones masked. */
export async function listSuppressions(
  db: Db,
  filters: { reason?: SuppressionReason },
  page: PageRequest,
): Promise<Page<SuppressionView>> {
  const { rows, nextAfter } = await suppressionsPage(db, filters, page);
  return {
    items: rows.map((entry) => suppressionView(entry, 'masked')),
    next: nextCursor('suppressions', nextAfter),
  };
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
