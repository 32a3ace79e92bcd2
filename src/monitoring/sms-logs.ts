import type { Db } from '../db/connect';
import { fromRow } from '../db/sms-messages';
import { keysetPage, type PageRequest } from './cursor';
import type { Page, SmsView } from './shapes';
import { withinRange, type TimeRange } from './time-range';
import { smsView } from './views';

export interface SmsFilters extends TimeRange {
  status?: string;
  paymentId?: string;
}

/** SMS messages, newest first by creation, phones masked. */
export async function listSms(
  db: Db,
  filters: SmsFilters,
  page: PageRequest,
): Promise<Page<SmsView>> {
  const query = withinRange(db('sms_messages'), 'created_at', filters);
  if (filters.status !== undefined) void query.where('status', filters.status);
  if (filters.paymentId !== undefined) void query.where('payment_id', filters.paymentId);
  const { rows, next } = await keysetPage(db, query, {
    table: 'sms_messages',
    timeColumn: 'created_at',
    list: 'sms-logs',
    page,
  });
  return { items: rows.map((row) => smsView(fromRow(row), 'masked')), next };
}
