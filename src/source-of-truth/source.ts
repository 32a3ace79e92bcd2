import type { Gateway, PaymentStatus } from '../domain/payment-event';

/** What a gateway's own API says about a payment now, in our words and in its own. */
export interface ReportedStatus {
  status: PaymentStatus;
  rawStatus: string;
}

/**
 * A gateway's API, asked right before a recovery SMS whether the payment is still waiting.
 * Implementations throw a StatusCheckError for every way of not getting a clear answer.
 */
export interface PaymentStatusSource {
  currentStatus(paymentId: string): Promise<ReportedStatus>;
}

/** At most one source per gateway; a gateway without one is decided by its webhooks alone. */
export type PaymentStatusSources = Partial<Record<Gateway, PaymentStatusSource>>;

/** Why a gateway gave no answer; also the `result` label of the status-check metric. */
export type CheckFailure =
  | 'timeout'
  | 'unreachable'
  | 'unauthorized'
  | 'not_found'
  | 'http_error'
  | 'bad_response'
  /** The payment id cannot name one transaction in a URL path (`.`, `..`). */
  | 'invalid_id';

/** Messages never carry the request URL: it holds the API token. */
export class StatusCheckError extends Error {
  constructor(
    readonly failure: CheckFailure,
    message: string,
  ) {
    super(message);
    this.name = 'StatusCheckError';
  }
}
