/**
 * Shared by the status-report tests: an app whose status-callback route is configured, and
 * callbacks signed exactly the way Twilio signs them, with the real `twilio` package.
 */
import pino from 'pino';
import twilio from 'twilio';
import type { Db } from '../../src/db/connect';
import { claimSmsRow, markAccepted, smsForPayment, type SmsRow } from '../../src/db/sms-messages';
import { STATUS_CALLBACK_PATH } from '../../src/sms-status/callback-url';
import { createApp } from '../../src/http/app';
import type { Metrics } from '../../src/metrics/metrics';
import type { RecoveryClient } from '../../src/temporal/recovery-client';
import type { PostOptions, Reply, TestServer } from '../helpers/http';

export const AUTH_TOKEN = 'status-callback-test-auth-token';
/** What Twilio was told to call: not the address the test server listens on. */
export const PUBLIC_URL = 'https://pix.example.com';
export const FORM = 'application/x-www-form-urlencoded';

/** Status callbacks never reach the webhook intake, so it has no Temporal behind it here. */
const noRecoveries = {} as RecoveryClient;

export function callbackApp(
  db: Db,
  options: { configured?: boolean; unknownSidWaitMs?: number; metrics?: Metrics } = {},
) {
  return createApp({
    db,
    logger: pino({ level: 'silent' }),
    health: async () => ({
      ok: true,
      database: { ok: true },
      temporal: { ok: true },
      worker: { ok: true },
    }),
    recoveries: noRecoveries,
    metrics: options.metrics,
    twilioCallbacks:
      options.configured === false
        ? undefined
        : {
            authToken: AUTH_TOKEN,
            publicUrl: PUBLIC_URL,
            unknownSidWaitMs: options.unknownSidWaitMs ?? 0,
          },
  });
}

let seq = 0;

/** A SID in Twilio's shape (SM + 32 hex digits), unique to this test run. */
export function newSid(): string {
  seq += 1;
  const unique = `${process.pid.toString(16)}${Date.now().toString(16)}${seq.toString(16)}`;
  return `SM${unique.padStart(32, '0').slice(-32)}`;
}

/** A recovery SMS as the activity leaves it once Twilio accepted it: `queued`, with its SID. */
export async function acceptedSms(db: Db, sid = newSid()): Promise<SmsRow> {
  const paymentId = `pay-${sid}`;
  const row = await claimSmsRow(db, {
    workflowId: `recovery:tribopay:${paymentId}`,
    step: 1,
    gateway: 'tribopay',
    paymentId,
    toE164: '+5511987654321',
    body: 'Oi, Maria! Seu PIX continua aguardando pagamento.',
  });
  await markAccepted(db, row.id, sid, 'queued');
  return smsRow(db, row);
}

export async function smsRow(db: Db, row: SmsRow): Promise<SmsRow> {
  const [current] = await smsForPayment(db, row.gateway, row.paymentId);
  return current;
}

/** The fields Twilio posts for one status of an outbound SMS. */
export function callbackFields(
  sid: string,
  status: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    AccountSid: 'AC00000000000000000000000000000000',
    ApiVersion: '2010-04-01',
    From: '+15005550006',
    MessageSid: sid,
    MessageStatus: status,
    SmsSid: sid,
    SmsStatus: status,
    To: '+5511987654321',
    ...extra,
  };
}

export interface Signing {
  /** The URL the signature covers; by default PUBLIC_URL + the path posted to. */
  url?: string;
  token?: string;
  /** Fields the signature covers, when they differ from those sent (tampering). */
  signed?: Record<string, string>;
  /** null sends no X-Twilio-Signature at all. */
  signature?: string | null;
}

/** Posts `fields` form-encoded to `path`, signed as Twilio would sign them. */
export function postCallback(
  server: TestServer,
  fields: Record<string, string>,
  signing: Signing = {},
  path = STATUS_CALLBACK_PATH,
  options: PostOptions = {},
): Promise<Reply> {
  const url = signing.url ?? PUBLIC_URL + path;
  const signature =
    signing.signature === undefined
      ? twilio.getExpectedTwilioSignature(
          signing.token ?? AUTH_TOKEN,
          url,
          signing.signed ?? fields,
        )
      : signing.signature;
  return server.post(path, new URLSearchParams(fields).toString(), {
    contentType: FORM,
    ...options,
    headers: {
      ...(signature === null ? {} : { 'X-Twilio-Signature': signature }),
      ...options.headers,
    },
  });
}
