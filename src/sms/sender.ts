import type { TwilioConfig } from '../config';
import { classifyTwilioError, TwilioNotConfiguredError } from './errors';
import { createTwilioClient } from './twilio-client';

export interface OutgoingSms {
  to: string;
  body: string;
  statusCallback?: string;
}

export interface AcceptedSms {
  sid: string;
  status: string;
}

/** What the SMS activity needs from a provider; tests pass the real one, pointed at an emulator. */
export interface SmsSender {
  send(sms: OutgoingSms): Promise<AcceptedSms>;
  /** A message to `to` with exactly `body`, created at or after `since`, if the provider has one. */
  findSent(to: string, body: string, since: Date): Promise<AcceptedSms | null>;
}

/**
 * One Twilio call gives up after this long (TWILIO_TIMEOUT), well inside the SMS activity's
 * 30-second attempt: the activity, not Temporal's timeout, then learns the outcome is
 * unknown and records it.
 */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** How far back the lookup reaches past `since`, for clock differences with Twilio. */
const CLOCK_SLACK_MS = 2 * 60_000;
/** Newest-first messages to one number; a recovery's own message is among the latest. */
const LOOKUP_LIMIT = 50;

export function createSmsSender(twilio: TwilioConfig | null, apiUrl?: string): SmsSender {
  if (!twilio) return notConfiguredSender;
  const client = createTwilioClient({
    accountSid: twilio.accountSid,
    authToken: twilio.authToken,
    apiUrl,
    timeoutMs: twilio.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  });
  const sender = twilio.messagingServiceSid
    ? { messagingServiceSid: twilio.messagingServiceSid }
    : { from: twilio.from! };
  return {
    async send(sms) {
      try {
        const message = await client.messages.create({
          ...sender,
          to: sms.to,
          body: sms.body,
          statusCallback: sms.statusCallback,
        });
        return { sid: message.sid, status: message.status };
      } catch (err) {
        throw classifyTwilioError(err);
      }
    },
    async findSent(to, body, since) {
      try {
        const recent = await client.messages.list({ to, limit: LOOKUP_LIMIT });
        const floor = since.getTime() - CLOCK_SLACK_MS;
        const match = recent.find(
          (m) => m.body === body && (m.dateCreated?.getTime() ?? 0) >= floor,
        );
        return match ? { sid: match.sid, status: match.status } : null;
      } catch (err) {
        throw classifyTwilioError(err);
      }
    },
  };
}

const notConfiguredSender: SmsSender = {
  send: () => Promise.reject(new TwilioNotConfiguredError()),
  findSent: () => Promise.reject(new TwilioNotConfiguredError()),
};
