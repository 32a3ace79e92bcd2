import type { Db } from '../db/connect';
import { smsForPayment } from '../db/sms-messages';
import { transitionsForPayment } from '../db/recovery-events';
import type { Gateway, PaymentMethod, PaymentStatus } from '../domain/payment-event';
import { keysetPage, type PageRequest } from './cursor';
import type { EventDetail, EventSummary, Page } from './shapes';
import { withinRange, type TimeRange } from './time-range';
import { eventDetail, eventSummary, smsView, transitionView } from './views';

export interface EventFilters extends TimeRange {
  gateway?: Gateway;
  paymentId?: string;
  paymentMethod?: PaymentMethod;
  paymentStatus?: PaymentStatus;
}

/** Received webhook events, newest first, phones masked. */
export async function listEvents(
  db: Db,
  filters: EventFilters,
  page: PageRequest,
): Promise<Page<EventSummary>> {
  const query = withinRange(
    db('webhook_events').where(equalities(filters)),
    'received_at',
    filters,
  );
  const { rows, next } = await keysetPage(db, query, {
    table: 'webhook_events',
    timeColumn: 'received_at',
    list: 'events',
    page,
  });
  return { items: rows.map((row) => eventSummary(row, 'masked')), next };
}

function equalities(filters: EventFilters): Record<string, string> {
  const pairs = {
    gateway: filters.gateway,
    payment_id: filters.paymentId,
    payment_method: filters.paymentMethod,
    payment_status: filters.paymentStatus,
  };
  return Object.fromEntries(
    Object.entries(pairs).filter(([, value]) => value !== undefined),
  ) as Record<string, string>;
}

/** One event with its body and what it caused for its payment; null when there is no such event. */
export async function loadEvent(db: Db, id: number): Promise<EventDetail | null> {
  const row = (await db('webhook_events').where({ id }).first()) as
    Record<string, unknown> | undefined;
  if (!row) return null;
  const gateway = String(row.gateway);
  const paymentId = String(row.payment_id);
  const [transitions, sms] = await Promise.all([
    transitionsForPayment(db, gateway, paymentId),
    smsForPayment(db, gateway, paymentId),
  ]);
  return eventDetail(row, {
    transitions: transitions.map(transitionView),
    sms: sms.map((r) => smsView(r, 'full')),
  });
}
