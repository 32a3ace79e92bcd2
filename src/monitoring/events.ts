import type { Db } from '../db/connect';
import type { PageRequest } from '../db/pages';
import { transitionsForPayment } from '../db/recovery-events';
import { smsForPayment } from '../db/sms-messages';
import { eventsPage, webhookEventById, type EventFilters } from '../db/webhook-events';
import { nextCursor } from './cursor';
import type { EventDetail, EventSummary, Page } from './shapes';
import { eventDetail, eventSummary, smsView, transitionView } from './views';

/** Received webhook events, newest first, phones masked. */
export async function listEvents(
  db: Db,
  filters: EventFilters,
  page: PageRequest,
): Promise<Page<EventSummary>> {
  const { rows, nextAfter } = await eventsPage(db, filters, page);
  return {
    items: rows.map((event) => eventSummary(event, 'masked')),
    next: nextCursor('events', nextAfter),
  };
}

/** One event with its body and what it caused for its payment; null when there is no such event. */
export async function loadEvent(db: Db, id: number): Promise<EventDetail | null> {
  const event = await webhookEventById(db, id);
  if (!event) return null;
  const [transitions, sms] = await Promise.all([
    transitionsForPayment(db, event.gateway, event.paymentId),
    smsForPayment(db, event.gateway, event.paymentId),
  ]);
  return eventDetail(event, {
    transitions: transitions.map(transitionView),
    sms: sms.map((r) => smsView(r, 'full')),
  });
}
