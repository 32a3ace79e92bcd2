/**
 * The public shapes of the Twilio emulator. Field names follow Twilio's Message
 * resource where one exists, so a reader can map them to the real API at a glance.
 */

/** The subset of Twilio's message statuses an outbound SMS passes through here. */
export type MessageStatus = 'queued' | 'sent' | 'delivered' | 'undelivered';

/** A message the emulator accepted, as the test or benchmark sees it. */
export interface EmulatedMessage {
  sid: string;
  to: string;
  from: string;
  body: string;
  messagingServiceSid: string | null;
  statusCallback: string | null;
  status: MessageStatus;
  errorCode: number | null;
  /** When the create request reached the emulator. */
  receivedAt: Date;
  dateSent: Date | null;
  dateUpdated: Date;
  /** The form parameters exactly as the client posted them (repeated keys: last wins). */
  params: Readonly<Record<string, string>>;
}

export type Fault =
  /**
   * Twilio refuses the request with this error; nothing is stored. With `ms`, the refusal
   * comes that late, so a client's call is in flight until then.
   */
  | { kind: 'error'; httpStatus: number; code: number; message?: string; ms?: number }
  /** Twilio accepts and stores the message, but the client never sees an answer. */
  | { kind: 'lost-response' }
  /** Twilio accepts the message and answers normally, only late. */
  | { kind: 'delay'; ms: number }
  /**
   * Commit late, answer late: the message exists (list and fetch show it) only after `ms`,
   * when Twilio answers. A client that gave up before never learns it was sent, and a
   * lookup made before then finds nothing.
   */
  | { kind: 'late-commit'; ms: number }
  /**
   * Twilio accepts the message (201) and the carrier later rejects it: the message ends
   * `undelivered` with this error code (e.g. 30006 landline), as seen by list/fetch and
   * by status callbacks.
   */
  | { kind: 'undelivered'; errorCode: number };

export interface TwilioEmulator {
  /** Base URL to hand to `createTwilioClient({ apiUrl })`, e.g. http://127.0.0.1:43121 */
  url: string;
  accountSid: string;
  authToken: string;
  /** Everything accepted, oldest first. Snapshots: mutating them changes nothing. */
  messages(): EmulatedMessage[];
  /** Forgets every message and every queued or per-number fault. */
  reset(): void;
  /** The next `times` valid create calls (default 1) get this fault, in order of arrival. */
  failNext(fault: Fault, times?: number): void;
  /** Every create call to this `To` gets this fault until `reset()`. */
  failForNumber(to: string, fault: Fault): void;
  close(): Promise<void>;
}

export interface TwilioEmulatorOptions {
  /** 0 picks a free port. */
  port?: number;
  /** Loopback only: the control endpoints have no authentication. */
  host?: string;
  accountSid?: string;
  authToken?: string;
  /** POST signed `sent`/`delivered` callbacks to each message's StatusCallback URL. */
  statusCallbacks?: boolean;
}
