import { createHash } from 'node:crypto';
import type { Db } from '../../src/db/connect';
import type { Gateway, PaymentMethod, PaymentStatus } from '../../src/domain/payment-event';

/** Rows written straight into the audit tables, in bulk, for lists long enough to page. */

export interface SeedEvent {
  gateway: Gateway;
  paymentId: string;
  method: PaymentMethod | null;
  status: PaymentStatus;
  receivedAt: Date;
  phoneE164?: string | null;
  outcome?: string | null;
}

export async function insertEvents(db: Db, events: SeedEvent[]): Promise<number[]> {
  const rows = events.map((e) => {
    const rawBody = JSON.stringify({
      id: e.paymentId,
      status: e.status,
      at: e.receivedAt.toISOString(),
    });
    return {
      gateway: e.gateway,
      payment_id: e.paymentId,
      payment_method: e.method,
      payment_status: e.status,
      raw_status: e.status,
      phone_e164: e.phoneE164 ?? null,
      customer_phone: e.phoneE164 ?? null,
      raw_body: rawBody,
      content_type: 'application/json',
      normalized: JSON.stringify({ gateway: e.gateway, paymentId: e.paymentId, status: e.status }),
      dedup_key: createHash('sha256')
        .update(`${e.gateway}:${rawBody}:${Math.random()}`)
        .digest('hex'),
      outcome: e.outcome ?? null,
      received_at: e.receivedAt,
    };
  });
  const ids: number[] = [];
  for (let i = 0; i < rows.length; i += 200) {
    const inserted = await db('webhook_events')
      .insert(rows.slice(i, i + 200))
      .returning<{ id: unknown }[]>('id');
    ids.push(...inserted.map((r) => Number(r.id)));
  }
  return ids;
}

export interface SeedSms {
  workflowId: string;
  gateway?: string;
  paymentId: string;
  toE164: string;
  status: string;
  createdAt: Date;
  step?: number;
  twilioSid?: string | null;
  errorCode?: number | null;
}

export async function insertSms(db: Db, messages: SeedSms[]): Promise<void> {
  const rows = messages.map((m) => ({
    workflow_id: m.workflowId,
    step: m.step ?? 1,
    gateway: m.gateway ?? 'tribopay',
    payment_id: m.paymentId,
    to_e164: m.toE164,
    body: 'Oi, Maria! Seu PIX continua aguardando pagamento.',
    twilio_sid: m.twilioSid ?? null,
    status: m.status,
    error_code: m.errorCode ?? null,
    attempts: 1,
    created_at: m.createdAt,
    updated_at: m.createdAt,
  }));
  for (let i = 0; i < rows.length; i += 200)
    await db('sms_messages').insert(rows.slice(i, i + 200));
}

export interface SeedTransition {
  workflowId: string;
  gateway?: Gateway;
  paymentId: string;
  transition: string;
  occurredAt: Date;
  detail?: Record<string, unknown>;
}

export async function insertTransitions(db: Db, transitions: SeedTransition[]): Promise<void> {
  const rows = transitions.map((t, i) => ({
    event_key: `${t.workflowId}:seed:${i}:${t.transition}:${Math.random()}`,
    workflow_id: t.workflowId,
    gateway: t.gateway ?? 'tribopay',
    payment_id: t.paymentId,
    transition: t.transition,
    detail: JSON.stringify(t.detail ?? { seeded: true }),
    occurred_at: t.occurredAt,
    recorded_at: t.occurredAt,
  }));
  for (let i = 0; i < rows.length; i += 200)
    await db('recovery_events').insert(rows.slice(i, i + 200));
}

export function minutesAfter(base: Date, minutes: number): Date {
  return new Date(base.getTime() + minutes * 60_000);
}
