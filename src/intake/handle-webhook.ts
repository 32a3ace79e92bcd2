import { createHash } from 'node:crypto';
import { whyIgnored, type IntakeOutcome } from '../domain/intake-outcome';
import { isTerminal, type PaymentEvent } from '../domain/payment-event';
import { normalizePhone, type AllowedCountries } from '../domain/phone';
import { isPostgres, type Db } from '../db/connect';
import {
  signalEventId,
  insertWebhookWithOutbox,
  insertOutboxEntry,
  type OutboxEntry,
} from '../db/outbox';
import { paymentHistory, type PaymentHistory } from '../db/payment-history';
import {
  insertWebhookEvent,
  recordOutcome,
  type NewWebhookEvent,
  type StoredWebhookEvent,
} from '../db/webhook-events';
import { recoveryWorkflowId, type PaymentUpdate } from '../../workflows/definitions';
import type { OutboxRelay } from './outbox-relay';

export interface IntakeResult {
  /** 202 for a new webhook, 200 for an exact repeat of one already stored. */
  httpStatus: 200 | 202;
  outcome: IntakeOutcome;
  eventId: number;
  workflowId?: string;
  reason?: string;
}

/** A gateway's webhook as received: the event its adapter read, and the body verbatim. */
export interface ReceivedWebhook {
  event: PaymentEvent;
  rawBody: string;
  contentType: string | null;
}

/** The database could not take the webhook: the gateway must retry. */
export class IntakeUnavailableError extends Error {
  readonly part = 'database';
  constructor(cause: unknown) {
    super('database unavailable', { cause });
    this.name = 'IntakeUnavailableError';
  }
}

export interface IntakeDeps {
  db: Db;
  /** Signals the stored webhooks' recoveries once they are committed. */
  relay: OutboxRelay;
  /** Countries whose numbers may be texted (ALLOWED_COUNTRIES); unset: Brazil only. */
  allowedCountries?: AllowedCountries;
}

/** Same gateway, payment, status and verbatim body: the same webhook. */
export function dedupKey(event: PaymentEvent, rawBody: string): string {
  return createHash('sha256')
    .update(JSON.stringify([event.gateway, event.paymentId, event.rawStatus, rawBody]))
    .digest('hex');
}

/**
 * Stores the webhook, the outcome the database can decide and, when its recovery must be
 * signalled, an outbox row, in one transaction; the answer waits for that commit only.
 * The relay signals the recovery right after. A repeat of a stored webhook changes
 * nothing.
 */
export async function handleWebhook(
  deps: IntakeDeps,
  webhook: ReceivedWebhook,
): Promise<IntakeResult> {
  const { event } = webhook;
  const phone =
    event.status === 'waiting' ? normalizePhone(event.customer.phone, deps.allowedCountries) : null;
  const phoneE164 = phone?.ok ? phone.e164 : null;
  const stored: NewWebhookEvent = {
    event,
    phoneE164,
    phoneError: phone && !phone.ok ? phone.reason : null,
    rawBody: webhook.rawBody,
    contentType: webhook.contentType,
    dedupKey: dedupKey(event, webhook.rawBody),
    receivedAt: new Date(),
  };
  const { result, entry } = await orUnavailable(() => storeWebhook(deps, stored));
  if (entry) deps.relay.accept(entry);
  return result;
}

/**
 * On PostgreSQL a new webhook costs two statements: the payment's history (waiting
 * webhooks only), then the webhook with its outbox row in one atomic statement. That is
 * what the transaction below does in five, under the same READ COMMITTED isolation (each
 * statement sees what was committed before it), so the outcome is decided the same way. A
 * repeat writes nothing there and takes the transaction, which answers it (rare). SQLite's
 * one connection runs the transaction, and so does a thin webhook, whose update names its
 * own row (`webhookEventId`) for the enrichment to complete.
 */
async function storeWebhook(deps: IntakeDeps, stored: NewWebhookEvent): Promise<Stored> {
  if (isPostgres(deps.db) && !stored.event.needsEnrichment) {
    const fresh = await storeNew(deps.db, deps.relay, stored);
    if (fresh) return fresh;
  }
  return deps.db.transaction((trx) => store(trx, deps.relay, stored));
}

/** A new webhook in one statement (PostgreSQL); null when it is a repeat. */
async function storeNew(
  db: Db,
  relay: OutboxRelay,
  stored: NewWebhookEvent,
): Promise<Stored | null> {
  const routed = await route(db, stored.event, stored.phoneE164, stored.phoneError);
  const routing = { outcome: routed.outcome, workflowId: routed.workflowId ?? null };
  const createdAt = new Date();
  const outbox = routed.workflowId
    ? {
        update: updateOf(stored.event, stored.receivedAt, stored.phoneE164),
        createdAt,
        claimedUntil: relay.claimForNewEntry(createdAt),
      }
    : null;
  const written = await insertWebhookWithOutbox(db, stored, routing, outbox);
  if (!written) return null;
  return {
    result: { httpStatus: 202, eventId: written.row.id, ...routed },
    entry: written.entry,
  };
}

interface Stored {
  result: IntakeResult;
  entry: OutboxEntry | null;
}

async function store(trx: Db, relay: OutboxRelay, stored: NewWebhookEvent): Promise<Stored> {
  const { event } = stored;
  const routed = await route(trx, event, stored.phoneE164, stored.phoneError);
  const { inserted, row } = await insertWebhookEvent(trx, stored, {
    outcome: routed.outcome,
    workflowId: routed.workflowId ?? null,
  });
  if (!inserted) return repeated(trx, relay, stored, row);
  const entry = routed.workflowId ? await enqueue(trx, relay, stored, row) : null;
  return { result: { httpStatus: 202, eventId: row.id, ...routed }, entry };
}

/**
 * A repeat answers what the first copy was given. A copy stored before the outbox existed
 * and never routed (Temporal was down, the gateway got a 503) is routed now.
 */
async function repeated(
  trx: Db,
  relay: OutboxRelay,
  stored: NewWebhookEvent,
  row: StoredWebhookEvent,
): Promise<Stored> {
  if (row.outcome !== null) {
    const result: IntakeResult = {
      httpStatus: 200,
      outcome: 'duplicate',
      eventId: row.id,
      workflowId: row.workflowId ?? undefined,
      reason: row.outcome,
    };
    return { result, entry: null };
  }
  const routed = await route(trx, stored.event, stored.phoneE164, stored.phoneError, row.id);
  await recordOutcome(trx, row.id, routed.outcome, routed.workflowId ?? null, false);
  const entry = routed.workflowId ? await enqueue(trx, relay, stored, row) : null;
  return { result: { httpStatus: 202, eventId: row.id, ...routed }, entry };
}

function enqueue(
  trx: Db,
  relay: OutboxRelay,
  stored: NewWebhookEvent,
  row: StoredWebhookEvent,
): Promise<OutboxEntry> {
  const now = new Date();
  return insertOutboxEntry(trx, {
    webhookEventId: row.id,
    gateway: stored.event.gateway,
    paymentId: stored.event.paymentId,
    update: toUpdate(stored.event, row, stored.phoneE164),
    createdAt: now,
    claimedUntil: relay.claimForNewEntry(now),
  });
}

type Routed = { outcome: IntakeOutcome; workflowId?: string; reason?: string };

/** What becomes of a webhook, from the webhook and the payment's history only. */
async function route(
  db: Db,
  event: PaymentEvent,
  phoneE164: string | null,
  phoneError: string | null,
  exceptId?: number,
): Promise<Routed> {
  // A thin webhook's status, method and phone are the gateway API's to tell: its recovery asks.
  if (event.needsEnrichment) return toRecovery(db, event, exceptId);
  const ignored = whyIgnored(event, phoneE164, phoneError);
  if (ignored) return ignored;
  // A terminal webhook is `signalled` whatever came before; only a waiting one asks about the past.
  if (isTerminal(event.status))
    return { outcome: 'signalled', workflowId: recoveryWorkflowId(event.gateway, event.paymentId) };
  return toRecovery(db, event, exceptId);
}

/** To the payment's recovery, unless its history says the sale or the recovery is over. */
async function toRecovery(db: Db, event: PaymentEvent, exceptId?: number): Promise<Routed> {
  const workflowId = recoveryWorkflowId(event.gateway, event.paymentId);
  const history = await paymentHistory(db, event.gateway, event.paymentId, exceptId);
  const closed = closedOutcome(history);
  if (closed) return { outcome: closed };
  return { outcome: history.routedBefore ? 'signalled' : 'scheduled', workflowId };
}

/**
 * A waiting webhook for a payment that already ended (a `paid` seen earlier, perhaps out
 * of order) or whose recovery is over starts nothing. Temporal refuses to reopen a closed
 * workflow too (the relay then records `ignored: recovery finished`); this also holds
 * after the server has forgotten it (namespace retention).
 */
function closedOutcome(history: PaymentHistory): IntakeOutcome | null {
  if (history.ended) return 'ignored: payment ended';
  return history.recoveryFinished ? 'ignored: recovery finished' : null;
}

function toUpdate(
  event: PaymentEvent,
  row: StoredWebhookEvent,
  phoneE164: string | null,
): PaymentUpdate {
  return {
    eventId: signalEventId(event.gateway, row.id),
    ...updateOf(event, row.receivedAt, phoneE164),
    ...(event.needsEnrichment ? { enrich: true, webhookEventId: row.id } : {}),
  };
}

/** The signal's argument, but for what only the stored row knows (its id). */
function updateOf(
  event: PaymentEvent,
  receivedAt: Date,
  phoneE164: string | null,
): Omit<PaymentUpdate, 'eventId'> {
  return {
    status: event.status,
    rawStatus: event.rawStatus,
    method: event.method,
    receivedAt: receivedAt.toISOString(),
    createdAt: event.createdAt,
    phoneE164,
    customerName: event.customer.name,
    amountCentavos: event.amountCentavos,
    checkoutUrl: event.checkoutUrl,
    pixCode: event.pixCode,
  };
}

async function orUnavailable<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw new IntakeUnavailableError(err);
  }
}
