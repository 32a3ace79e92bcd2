import { E164, MESSAGING_SERVICE_SID } from '../domain/formats';
import { apiErrors } from './errors';

/** What a valid create request asks for, once Twilio's rules have been checked. */
export interface CreateRequest {
  to: string;
  /** Null when only a Messaging Service was given; the service then picks the sender. */
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  statusCallback: string | null;
}

const MAX_BODY_CHARS = 1600;

function present(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value;
}

function checkTo(to: string | null): string {
  if (to === null) throw apiErrors.missingTo();
  if (!E164.test(to)) throw apiErrors.invalidTo(to);
  return to;
}

function checkMessagingService(sid: string | null): string | null {
  if (sid !== null && !MESSAGING_SERVICE_SID.test(sid)) {
    throw apiErrors.invalidMessagingService(sid);
  }
  return sid;
}

function checkBody(body: string | null): string {
  if (body === null) throw apiErrors.missingBody();
  // Twilio's limit is in characters, so count code points rather than UTF-16 units.
  if ([...body].length > MAX_BODY_CHARS) throw apiErrors.bodyTooLong();
  return body;
}

/** Throws the `TwilioApiError` Twilio would answer with: To first, then sender, then Body. */
export function parseCreateParams(params: Record<string, string>): CreateRequest {
  const to = checkTo(present(params.To));
  const from = present(params.From);
  const messagingServiceSid = checkMessagingService(present(params.MessagingServiceSid));
  if (from === null && messagingServiceSid === null) throw apiErrors.missingSender();
  const body = checkBody(present(params.Body));
  return { to, from, messagingServiceSid, body, statusCallback: present(params.StatusCallback) };
}
