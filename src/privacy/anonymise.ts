import { createHmac, hkdfSync } from 'node:crypto';
import type { Db } from '../db/connect';
import { maskPhone } from '../domain/phone';
import type { PaymentEvent } from '../domain/payment-event';
import type { PayloadKey } from '../temporal/payload-keys';

/**
 * What stays of a phone number once anonymised: a keyed hash (HMAC-SHA256, 19 base64url
 * characters behind `#`, so it fits the 20-character phone columns) that still counts and
 * joins rows about one number, and the masked form for people. Without a key, the masked
 * form alone.
 */
export interface PhoneScrubber {
  token(e164: string): string;
  masked(e164: string): string;
}

/**
 * The hash key is derived from the *last* of PAYLOAD_KEYS: a rotation puts the new key
 * first, so the oldest one (and the hashes) stay the same until it is retired.
 */
export function phoneScrubber(keys: readonly PayloadKey[]): PhoneScrubber {
  const base = keys.at(-1)?.key;
  const hashKey = base
    ? Buffer.from(hkdfSync('sha256', base, Buffer.alloc(0), 'pix-recovery phone hash', 32))
    : null;
  const token = (e164: string) =>
    hashKey
      ? `#${createHmac('sha256', hashKey).update(e164).digest('base64url').slice(0, 19)}`
      : maskPhone(e164).slice(0, 20);
  return {
    token,
    masked: (e164) => (hashKey ? `${maskPhone(e164)} ${token(e164)}` : maskPhone(e164)),
  };
}

/** A row already anonymised: its raw body is gone. */
export const ERASED = '';

export interface WebhookRow {
  id: number;
  phone_e164: string | null;
  normalized: string;
}

/** Drops the raw body and the customer's name, e-mail and PIX code; the phone keeps only its hash. */
export async function anonymiseWebhookEvents(
  db: Db,
  rows: WebhookRow[],
  scrub: PhoneScrubber,
): Promise<number> {
  for (const row of rows) {
    const phone = row.phone_e164 && !row.phone_e164.startsWith('#') ? row.phone_e164 : null;
    await db('webhook_events')
      .where({ id: row.id })
      .update({
        raw_body: ERASED,
        customer_name: null,
        customer_email: null,
        customer_phone: phone ? scrub.masked(phone) : null,
        phone_e164: phone ? scrub.token(phone) : row.phone_e164,
        normalized: JSON.stringify(scrubbedEvent(row.normalized, phone, scrub)),
      });
  }
  return rows.length;
}

function scrubbedEvent(text: string, phone: string | null, scrub: PhoneScrubber): unknown {
  let event: PaymentEvent;
  try {
    event = JSON.parse(text) as PaymentEvent;
  } catch {
    return {};
  }
  return {
    ...event,
    customer: { name: null, email: null, phone: phone ? scrub.masked(phone) : null },
    checkoutUrl: null,
    pixCode: null,
  };
}

export interface SmsRowRef {
  id: number;
  to_e164: string;
}

/** The message text carried the name and link; Twilio's error text can carry the number. */
export async function anonymiseSmsMessages(
  db: Db,
  rows: SmsRowRef[],
  scrub: PhoneScrubber,
): Promise<number> {
  for (const row of rows) {
    await db('sms_messages')
      .where({ id: row.id })
      .update({
        to_e164: row.to_e164.startsWith('#') ? row.to_e164 : scrub.token(row.to_e164),
        body: ERASED,
        error_message: null,
      });
  }
  return rows.length;
}
