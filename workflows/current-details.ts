/**
 * The lines an operator reads in the Temporal Web UI for a recovery without opening its
 * history: pure formatting, shared by the workflow (current details) and the client (the
 * summary set at start). Intl's time-zone data is part of the runtime, so it replays.
 */
import type { RecoveryStatus } from '../src/domain/recovery-status';
import type { SmsAttemptFailure } from './definitions';

export interface DetailsClock {
  /** Times are shown in this zone (the quiet hours' zone when configured, else UTC). */
  timeZone: string;
}

export type DetailsEvent =
  | { kind: 'waiting'; step: number; untilMs: number }
  | { kind: 'held'; step: number; untilMs: number }
  | { kind: 'sending'; step: number }
  | { kind: 'retrying'; failure: SmsAttemptFailure }
  | { kind: 'sent'; step: number; sid: string }
  | { kind: 'finished'; status: RecoveryStatus; detail: Record<string, unknown> };

/**
 * What the SMS activity's retry policy is, where operators see the activity (pending
 * activities and its history events). It describes the `sendRecoverySms` options in
 * recovery.ts: change the two together.
 */
export const SMS_ACTIVITY_SUMMARY =
  'Recovery SMS via Twilio: 30s per attempt; transient errors (429, 5xx, network) retried ' +
  'after 5s, doubling, at most 5m apart, for up to 1h in all; permanent Twilio errors fail at once';

/**
 * One formatter per time zone: building an Intl.DateTimeFormat costs far more than using
 * one, and the API's client builds a recovery's summary for every webhook it hands off.
 * The worker's workflow thread shares this module, so its recoveries share the cache: the
 * same zone always formats the same, so nothing of one recovery reaches another, and it replays.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      day: '2-digit',
      month: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** `29/11 14:32 America/Sao_Paulo`: day and minute, enough to find it on a clock. */
export function formatTime(ms: number, timeZone: string): string {
  const parts = formatterFor(timeZone).formatToParts(new Date(ms));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('day')}/${part('month')} ${part('hour')}:${part('minute')} ${timeZone}`;
}

export function currentDetails(event: DetailsEvent, clock: DetailsClock): string {
  switch (event.kind) {
    case 'waiting':
      return `step ${event.step}: waiting until ${formatTime(event.untilMs, clock.timeZone)}`;
    case 'held':
      return `step ${event.step}: held by quiet hours until ${formatTime(event.untilMs, clock.timeZone)}`;
    case 'sending':
      return `step ${event.step}: sending`;
    case 'retrying':
      return retryingLine(event.failure);
    case 'sent':
      return `step ${event.step}: SMS sent ${event.sid}; watching for the payment`;
    case 'finished':
      return finishedLine(event.status, event.detail);
  }
}

/** `step 1: sending, attempt 7: Twilio 503 20503 (Service unavailable); retrying with backoff` */
function retryingLine(failure: SmsAttemptFailure): string {
  const { step, attempt, errorType, errorCode, httpStatus, reason } = failure;
  const code = [httpStatus, errorCode].filter((part) => part !== undefined).join(' ');
  const cause = code ? `Twilio ${code} (${reason})` : `${errorType} (${reason})`;
  return `step ${step}: sending, attempt ${attempt}: ${cause}; retrying with backoff`;
}

function finishedLine(status: RecoveryStatus, detail: Record<string, unknown>): string {
  const words = [
    typeof detail.errorCode === 'number' || typeof detail.errorCode === 'string'
      ? `Twilio ${detail.errorCode}`
      : null,
    detail.paymentStatus,
    detail.reason,
  ].filter((v): v is string => typeof v === 'string' && v !== '');
  return words.length ? `${status}: ${words.join(', ')}` : status;
}
