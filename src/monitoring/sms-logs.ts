import type { Db } from '../db/connect';
import type { PageRequest } from '../db/pages';
import { smsPage, type SmsFilters } from '../db/sms-messages';
import { nextCursor } from './cursor';
import type { Page, SmsView } from './shapes';
import { smsView } from './views';

/** SMS messages, newest first by creation, phones masked. */
export async function listSms(
  db: Db,
  filters: SmsFilters,
  page: PageRequest,
): Promise<Page<SmsView>> {
  const { rows, nextAfter } = await smsPage(db, filters, page);
  return {
    items: rows.map((row) => smsView(row, 'masked')),
    next: nextCursor('sms-logs', nextAfter),
  };
}
