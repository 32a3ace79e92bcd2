/**
 * Twilio error codes, as docs/gateways.md lists them. Permanent ones can't succeed on retry;
 * everything else (429/20429, 5xx, 30001/30003/30008, network trouble) is transient.
 */
const PERMANENT_CODES = new Set([
  21211, // invalid To
  21408, // region not enabled
  21606, // From is not a valid, SMS-capable number of this account
  21608, // trial account: unverified destination
  21610, // recipient replied STOP
  21612, // unroutable
  21614, // not a mobile number
  21617, // body too long
  30004, // blocked
  30005, // unknown handset
  30006, // landline or unreachable carrier
  30007, // carrier filtered
]);

/** Node's network errors raised before a request could reach the server. */
const NEVER_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

export type FailureKind = 'permanent' | 'transient';

export class SmsSendError extends Error {
  constructor(
    message: string,
    readonly kind: FailureKind,
    readonly code: number | null,
    readonly httpStatus: number | null,
    /** True when the request may have reached Twilio: the message might exist. */
    readonly outcomeUnknown: boolean,
  ) {
    super(message);
    this.name = 'SmsSendError';
  }
}

export class TwilioNotConfiguredError extends Error {
  constructor() {
    super(
      'Twilio is not configured: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_PHONE_NUMBER',
    );
    this.name = 'TwilioNotConfigured';
  }
}

interface RestLike {
  status?: unknown;
  code?: unknown;
  message?: unknown;
}

/** Turns whatever the twilio client threw into a classified SmsSendError. */
export function classifyTwilioError(err: unknown): SmsSendError {
  const e = (err ?? {}) as RestLike;
  const status = typeof e.status === 'number' ? e.status : null;
  const code = typeof e.code === 'number' ? e.code : null;
  const message = typeof e.message === 'string' ? e.message : String(err);
  if (status === null) {
    // No HTTP answer: a reset or timeout after sending leaves the outcome unknown; a request
    // that never left (no such host, connection refused) created nothing.
    const neverSent = typeof e.code === 'string' && NEVER_SENT_CODES.has(e.code);
    return new SmsSendError(`network error: ${message}`, 'transient', null, null, !neverSent);
  }
  if (code !== null && PERMANENT_CODES.has(code)) {
    return new SmsSendError(message, 'permanent', code, status, false);
  }
  if (status === 429 || status >= 500) {
    return new SmsSendError(message, 'transient', code, status, status >= 500);
  }
  // Other 4xx answers (auth, bad parameters) won't change by retrying.
  return new SmsSendError(message, 'permanent', code, status, false);
}
