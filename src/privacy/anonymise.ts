import { createHmac, hkdfSync } from 'node:crypto';
import type { Db } from '../db/connect';
import { anonymiseSms, type PersonalSmsData } from '../db/sms-messages';
import { anonymiseWebhookEvent, type PersonalWebhookData } from '../db/webhook-events';
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

/** Drops the raw body and the customer's name, e-mail and PIX code; the phone keeps only its hash. */
export async function anonymiseWebhookEvents(
  db: Db,
  rows: PersonalWebhookData[],
  scrub: PhoneScrubber,
): Promise<number> {
  for (const row of rows) {
    const phone = row.phoneE164 && !row.phoneE164.startsWith('#') ? row.phoneE164 : null;
    await anonymiseWebhookEvent(db, row.id, {
      customerPhone: phone ? scrub.masked(phone) : null,
      phoneE164: phone ? scrub.token(phone) : row.phoneE164,
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

/** The message text carried the name and link; Twilio's error text can carry the number. */
export async function anonymiseSmsMessages(
  db: Db,
  rows: PersonalSmsData[],
  scrub: PhoneScrubber,
): Promise<number> {
  for (const row of rows) {
    await anonymiseSms(
      db,
      row.id,
      row.toE164.startsWith('#') ? row.toE164 : scrub.token(row.toE164),
    );
  }
  return rows.length;
}
