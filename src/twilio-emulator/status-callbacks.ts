import twilio from 'twilio';
import { API_VERSION } from './message-resource';
import type { EmulatedMessage, MessageStatus } from './types';

/** A receiver that hangs must not keep callbacks (or the process) alive for long. */
const CALLBACK_TIMEOUT_MS = 5_000;

/** The form fields Twilio posts to a StatusCallback URL for an outbound SMS. */
export function callbackParams(
  message: EmulatedMessage,
  accountSid: string,
  status: MessageStatus,
): Record<string, string> {
  const params: Record<string, string> = {
    AccountSid: accountSid,
    ApiVersion: API_VERSION,
    From: message.from,
    MessageSid: message.sid,
    MessageStatus: status,
    SmsSid: message.sid,
    SmsStatus: status,
    To: message.to,
  };
  if (message.messagingServiceSid) params.MessagingServiceSid = message.messagingServiceSid;
  if (status === 'undelivered' && message.errorCode !== null) {
    params.ErrorCode = String(message.errorCode);
  }
  return params;
}

/**
 * Posts status callbacks signed the way Twilio signs them (X-Twilio-Signature: HMAC-SHA1
 * of the URL plus the sorted form fields, keyed with the auth token). Fire-and-forget:
 * a receiver that is down or slow must never break or crash the emulator.
 */
export class StatusCallbackSender {
  private readonly stopped = new AbortController();

  constructor(
    private readonly accountSid: string,
    private readonly authToken: string,
  ) {}

  /** Posts one callback per status, in order, each waiting for the previous one. */
  report(message: EmulatedMessage, statuses: MessageStatus[]): void {
    const url = message.statusCallback;
    if (url === null) return;
    void statuses.reduce(
      (previous, status) =>
        previous.then(() => this.post(url, callbackParams(message, this.accountSid, status))),
      Promise.resolve(),
    );
  }

  private async post(url: string, params: Record<string, string>): Promise<void> {
    if (this.stopped.signal.aborted) return;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          'X-Twilio-Signature': twilio.getExpectedTwilioSignature(this.authToken, url, params),
        },
        body: new URLSearchParams(params),
        signal: AbortSignal.any([this.stopped.signal, AbortSignal.timeout(CALLBACK_TIMEOUT_MS)]),
      });
      await response.arrayBuffer();
    } catch {
      // A lost callback is dropped; the final status stays visible through fetch and list.
    }
  }

  close(): void {
    this.stopped.abort();
  }
}
