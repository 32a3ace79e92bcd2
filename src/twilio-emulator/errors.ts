/**
 * Twilio's legacy error body. The `twilio` client turns it into a `RestException`
 * with `.status` and `.code` taken from here; it must NOT carry `type`/`title`, or the
 * client would read it as an RFC 9457 problem and throw a different exception class.
 */
export interface TwilioErrorBody {
  code?: number;
  message: string;
  more_info?: string;
  status: number;
}

/** An answer the API routes send instead of a resource. */
export class TwilioApiError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'TwilioApiError';
  }

  toBody(): TwilioErrorBody {
    if (this.code === undefined) return { message: this.message, status: this.httpStatus };
    return {
      code: this.code,
      message: this.message,
      more_info: `https://www.twilio.com/docs/errors/${this.code}`,
      status: this.httpStatus,
    };
  }
}

/** The errors the emulator raises on its own, with the codes Twilio documents for them. */
export const apiErrors = {
  authenticate: () => new TwilioApiError(401, 20003, 'Authenticate'),
  notFound: (path: string) =>
    new TwilioApiError(404, 20404, `The requested resource ${path} was not found`),
  methodNotAllowed: () => new TwilioApiError(405, 20004, 'Method not allowed'),
  internal: () => new TwilioApiError(500, 20500, 'Internal Server Error'),
  missingTo: () => new TwilioApiError(400, 21604, "A 'To' phone number is required."),
  invalidTo: (to: string) =>
    new TwilioApiError(400, 21211, `The 'To' number ${to} is not a valid phone number.`),
  missingSender: () =>
    new TwilioApiError(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required."),
  invalidMessagingService: (sid: string) =>
    new TwilioApiError(400, 21705, `The Messaging Service Sid ${sid} is invalid.`),
  missingBody: () => new TwilioApiError(400, 21602, 'Message body is required.'),
  bodyTooLong: () =>
    new TwilioApiError(
      400,
      21617,
      'The concatenated message body exceeds the 1600 character limit.',
    ),
  invalidFilter: (name: string, value: string) =>
    new TwilioApiError(400, undefined, `Invalid value for ${name}: ${value}`),
};
