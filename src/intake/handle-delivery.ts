import { createHash } from 'node:crypto';
import { isTerminal, type PaymentEvent } from '../domain/payment-event';
import { normalizePhone, type AllowedCountries } from '../domain/phone';
import type { Db } from '../db/connect';
import { paymentHistory, type PaymentHistory } from '../db/payment-history';
import { insertWebhookEvent, recordOutcome } from '../db/webhook-events';
import type { RecoveryClient } from '../temporal/recovery-client';
import type { PaymentUpdate } from '../../workflows/definitions';

export type IntakeOutcome =
  | 'scheduled'
  | 'signalled'
  | 'duplicate'
  | 'ignored: not pix'
  | 'ignored: invalid phone'
  | 'ignored: status not actionable'
  | 'ignored: payment ended'
  | 'ignored: recovery finished';

export interface IntakeResult {
  /** 202 for a new delivery, 200 for an exact repeat of one already handled. */
  httpStatus: 200 | 202;
  outcome: IntakeOutcome;
  eventId: number;
  workflowId?: string;
  reason?: string;
}

export interface Delivery {
  event: PaymentEvent;
  rawBody: string;
  contentType: string | null;
}

/** The database or Temporal could not take the delivery: the gateway must retry. */
export class IntakeUnavailableError extends Error {
  constructor(
    readonly part: 'database' | 'temporal',
    cause: unknown,
  ) {
    super(`${part} unavailable`, { cause });
    this.name = 'IntakeUnavailableError';
  }
}

export interface IntakeDeps {
  db: Db;
  recoveries: RecoveryClient;
  /** Countries whose numbers may be texted (ALLOWED_COUNTRIES); unset: Brazil only. */
  allowedCountries?: AllowedCountries;
}

/** Same gateway, payment, status and verbatim body: the same delivery. */
export function dedupKey(event: PaymentEvent, rawBody: string): string {
  return createHash('sha256')
    .update(JSON.stringify([event.gateway, event.paymentId, event.rawStatus, rawBody]))
    .digest('hex');
}

/**
 * Records the delivery, then hands it to its payment's workflow. Nothing is answered 2xx
 * before both are done; a repeat of a delivery already handed off changes nothing.
 */
export async function handleDelivery(deps: IntakeDeps, delivery: Delivery): Promise<IntakeResult> {
  const { event } = delivery;
  const phone =
    event.status === 'waiting' ? normalizePhone(event.customer.phone, deps.allowedCountries) : null;
  const stored = await orUnavailable('database', () =>
    insertWebhookEvent(deps.db, {
      event,
      phoneE164: phone?.ok ? phone.e164 : null,
      phoneError: phone && !phone.ok ? phone.reason : null,
      rawBody: delivery.rawBody,
      contentType: delivery.contentType,
      dedupKey: dedupKey(event, delivery.rawBody),
      receivedAt: new Date(),
    }),
  );
  const { row } = stored;
  if (row.handedOffAt) {
    return {
      httpStatus: 200,
      outcome: 'duplicate',
      eventId: row.id,
      workflowId: row.workflowId ?? undefined,
      reason: row.outcome ?? undefined,
    };
  }
  const result = await route(deps, event, {
    eventId: row.id,
    receivedAt: row.receivedAt,
    phoneE164: phone?.ok ? phone.e164 : null,
    phoneError: phone && !phone.ok ? phone.reason : undefined,
  });
  await orUnavailable('database', () =>
    recordOutcome(deps.db, row.id, result.outcome, result.workflowId ?? null, true),
  );
  return { httpStatus: 202, eventId: row.id, ...result };
}

type Routed = { outcome: IntakeOutcome; workflowId?: string; reason?: string };

interface Received {
  eventId: number;
  receivedAt: Date;
  phoneE164: string | null;
  phoneError?: string;
}

async function route(deps: IntakeDeps, event: PaymentEvent, received: Received): Promise<Routed> {
  const { eventId, phoneE164, phoneError } = received;
  const terminal = isTerminal(event.status);
  if (event.status === 'other')
    return { outcome: 'ignored: status not actionable', reason: event.rawStatus };
  // A terminal delivery may omit the method (TriboPay's minimal `paid`); it still ends a PIX recovery.
  if (event.method !== 'pix' && !(terminal && event.method === null)) {
    return { outcome: 'ignored: not pix', reason: event.rawMethod ?? 'method missing' };
  }
  if (!terminal && !phoneE164) return { outcome: 'ignored: invalid phone', reason: phoneError };
  // A terminal delivery is `signalled` whatever came before; only a waiting one asks about the past.
  let firstHandOff = false;
  if (!terminal) {
    const history = await orUnavailable('database', () =>
      paymentHistory(deps.db, event.gateway, event.paymentId, eventId),
    );
    const closed = closedOutcome(history);
    if (closed) return { outcome: closed };
    firstHandOff = !history.handedOffBefore;
  }
  const delivered = await orUnavailable('temporal', () =>
    deps.recoveries.deliver(event.gateway, event.paymentId, toUpdate(event, received)),
  );
  if (!delivered.delivered)
    return { outcome: 'ignored: recovery finished', workflowId: delivered.workflowId };
  return { outcome: firstHandOff ? 'scheduled' : 'signalled', workflowId: delivered.workflowId };
}

/**
 * A waiting delivery for a payment that already ended (a `paid` seen earlier, perhaps out
 * of order) or whose recovery is over starts nothing. Temporal refuses to reopen a closed
 * workflow too; this also holds after the server has forgotten it (namespace retention).
 */
function closedOutcome(history: PaymentHistory): IntakeOutcome | null {
  if (history.ended) return 'ignored: payment ended';
  return history.recoveryFinished ? 'ignored: recovery finished' : null;
}

function toUpdate(
  event: PaymentEvent,
  { eventId, receivedAt, phoneE164 }: Received,
): PaymentUpdate {
  return {
    status: event.status,
    eventId: `${event.gateway}:${eventId}`,
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

async function orUnavailable<T>(part: 'database' | 'temporal', work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw new IntakeUnavailableError(part, err);
  }
}
