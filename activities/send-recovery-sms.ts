import { ApplicationFailure, Context } from '@temporalio/activity';
import { reportFailedAttempt } from './attempt-report';
import { keepAlive, sendStopped } from './cancellation';
import type { Gateway, PaymentStatus } from '../src/domain/payment-event';
import { maskPhone } from '../src/domain/phone';
import { paymentEnded } from '../src/db/webhook-events';
import {
  claimSmsRow,
  clearOutcomeUnknown,
  countAttempt,
  markAccepted,
  markFailed,
  STOPPED_BEFORE_SENDING,
  type SmsRow,
} from '../src/db/sms-messages';
import { claimSendSlot, releaseSendSlot } from '../src/db/send-claims';
import { isSuppressed, suppress } from '../src/db/suppressions';
import { observeTimerLag } from '../src/metrics/metrics';
import { SmsSendError, TwilioNotConfiguredError } from '../src/sms/errors';
import { toGsm7 } from '../src/sms/gsm7';
import { renderSms } from '../src/sms/template';
import type { Logger } from '../src/logging';
import type { ActivityDeps } from '.';
import { endedAtGateway } from './gateway-status';

export interface SendSmsInput {
  workflowId: string;
  gateway: Gateway;
  paymentId: string;
  step: number;
  to: string;
  customerName: string | null;
  amountCentavos: number | null;
  checkoutUrl: string | null;
  pixCode: string | null;
  dueAt: string;
}

export type SkipReason = 'payment_ended' | 'gateway_reports_ended' | 'suppressed' | 'frequency_cap';

/** Why a step sent nothing; with `gateway_reports_ended`, what the gateway's API said. */
export interface Skip {
  reason: SkipReason;
  paymentStatus?: PaymentStatus;
  rawStatus?: string;
}

/**
 * `acceptedAt` (ISO-8601, the worker's clock) is when Twilio accepted the message, so the
 * workflow can tell a payment made before it from one made after; absent in results
 * recorded before it existed.
 */
export type SendSmsResult =
  | { outcome: 'sent'; sid: string; twilioStatus: string; acceptedAt?: string }
  | ({ outcome: 'skipped' } & Skip);

/**
 * Sends the step's SMS at most once. The row claimed first is the same on every retry;
 * an attempt counted before a Twilio call that never answered means the message may
 * exist, so Twilio is asked before anything is sent again, and keeps being asked until
 * the settling time has passed (unless the step no longer sends at all).
 */
export function createSendRecoverySms(deps: ActivityDeps) {
  return async function sendRecoverySms(input: SendSmsInput): Promise<SendSmsResult> {
    try {
      return await sendStep(deps, input);
    } catch (err) {
      await reportFailedAttempt(input, err, deps.logger.child({ workflowId: input.workflowId }));
      throw err;
    }
  };
}

async function sendStep(deps: ActivityDeps, input: SendSmsInput): Promise<SendSmsResult> {
  const { db, sms, logger } = deps;
  const body = renderBody(deps, input);
  const row = await claimSmsRow(db, { ...input, toE164: input.to, body });
  const log = logger.child({ workflowId: input.workflowId, to: maskPhone(row.toE164) });

  if (row.twilioSid) return sentResult(row.twilioSid, row.status, row.sentAt);
  const earlier = row.attempts > 0 ? await lookUpEarlierAttempt(deps, row) : null;
  if (earlier) {
    log.warn({ sid: earlier.sid }, 'an earlier attempt had reached Twilio; not sending again');
    await markAccepted(db, row.id, earlier.sid, earlier.status);
    return { outcome: 'sent', sid: earlier.sid, twilioStatus: earlier.status };
  }
  const blocked = await sendBlocked(deps, input, log);
  if (blocked) {
    // An earlier attempt that met a transient Twilio error may hold a frequency-cap slot.
    await releaseSendSlot(db, row.workflowId, row.step);
    await markFailed(db, row.id, 'cancelled', { code: null, message: skipMessage(blocked) });
    log.info(blocked, 'recovery SMS not sent');
    return { outcome: 'skipped', ...blocked };
  }

  if (await sendStopped(input.workflowId)) {
    await releaseSendSlot(db, row.workflowId, row.step);
    await markFailed(db, row.id, 'cancelled', { code: null, message: STOPPED_MESSAGE });
    log.info('recovery SMS not sent: the workflow applied a terminal status');
    return { outcome: 'skipped', reason: 'payment_ended' };
  }
  await settleDoubt(deps, row, log);
  await countAttempt(db, row.id, new Date(attemptClock()));
  try {
    // Once the call is made it is allowed to finish: the workflow learns its outcome.
    const accepted = await keepAlive(() =>
      sms.send({ to: row.toE164, body: row.body, statusCallback: deps.statusCallbackUrl }),
    );
    const acceptedAt = new Date();
    observeTimerLag(deps.metrics, input.dueAt);
    await markAccepted(db, row.id, accepted.sid, accepted.status, acceptedAt);
    log.info({ sid: accepted.sid }, 'recovery SMS accepted by Twilio');
    return sentResult(accepted.sid, accepted.status, acceptedAt);
  } catch (err) {
    await noteOutcome(deps, row, err, log);
    await recordFailure(deps, row, err);
    throw activityFailure(err);
  }
}

const STOPPED_MESSAGE = `${STOPPED_BEFORE_SENDING}: the payment ended`;

function sentResult(sid: string, twilioStatus: string, acceptedAt: Date | null): SendSmsResult {
  return {
    outcome: 'sent',
    sid,
    twilioStatus,
    ...(acceptedAt ? { acceptedAt: acceptedAt.toISOString() } : {}),
  };
}

const SKIP_MESSAGES: Record<SkipReason, string> = {
  payment_ended: 'payment ended before sending',
  gateway_reports_ended: "the gateway's API reports the payment ended",
  suppressed: 'the number opted out of messages',
  frequency_cap: 'skipped: frequency cap',
};

function skipMessage({ reason, rawStatus }: Skip): string {
  return rawStatus ? `${SKIP_MESSAGES[reason]} (${rawStatus})` : SKIP_MESSAGES[reason];
}

/**
 * Checked right before sending, in this order: the sale ended (a `paid` whose signal hasn't
 * reached the workflow yet), the gateway's API says it ended (a `paid` webhook that never
 * came), the number opted out, the number had its share of messages.
 */
async function sendBlocked(
  deps: ActivityDeps,
  input: SendSmsInput,
  log: Logger,
): Promise<Skip | null> {
  const { db, frequencyCap } = deps;
  if (await paymentEnded(db, input.gateway, input.paymentId)) return { reason: 'payment_ended' };
  const reported = await endedAtGateway(deps, input, log);
  if (reported) {
    const { status: paymentStatus, rawStatus } = reported;
    return { reason: 'gateway_reports_ended', paymentStatus, rawStatus };
  }
  if (await isSuppressed(db, input.to)) return { reason: 'suppressed' };
  if (!frequencyCap) return null;
  const claimed = await claimSendSlot(db, {
    phoneE164: input.to,
    workflowId: input.workflowId,
    step: input.step,
    windowMs: frequencyCap.windowMs,
    maxPerWindow: frequencyCap.maxPerWindow,
  });
  return claimed ? null : { reason: 'frequency_cap' };
}

/** Step N uses the N-th template, or the last one configured for a longer sequence. */
function templateFor(deps: ActivityDeps, step: number): string {
  const followUps = deps.followUpTemplates ?? [];
  if (step <= 1 || followUps.length === 0) return deps.template;
  return followUps[Math.min(step - 2, followUps.length - 1)];
}

function renderBody(deps: ActivityDeps, input: SendSmsInput): string {
  const body = renderText(templateFor(deps, input.step), input);
  return deps.gsm7 ? toGsm7(body) : body;
}

function renderText(template: string, input: SendSmsInput): string {
  try {
    return renderSms(template, {
      customerName: input.customerName,
      amountCentavos: input.amountCentavos,
      gateway: input.gateway,
      link: input.checkoutUrl ?? input.pixCode,
    });
  } catch (err) {
    throw ApplicationFailure.create({
      type: 'InvalidSmsBody',
      message: err instanceof Error ? err.message : String(err),
      nonRetryable: true,
    });
  }
}

/** Without a setting, a doubtful message is only looked up for two minutes. */
export const DEFAULT_OUTCOME_SETTLE_MS = 2 * 60_000;

/** Thrown while a message whose creation may have reached Twilio is still settling. */
export const OUTCOME_SETTLING = 'SmsOutcomeSettling';

/** A lookup that itself fails is retried by Temporal: we never guess "not sent". */
async function lookUpEarlierAttempt(deps: ActivityDeps, row: SmsRow) {
  try {
    const found = await deps.sms.findSent(row.toE164, row.body, row.createdAt);
    if (found && row.outcomeUnknownSince)
      deps.metrics?.smsOutcomeUnknown.inc({ event: 'found_later' });
    return found;
  } catch (err) {
    await recordFailure(deps, row, err);
    throw activityFailure(err);
  }
}

/**
 * Called when the lookup found nothing and nothing blocks the send. After a call whose
 * outcome is unknown, Twilio may still be committing the message (it can show up in the
 * list only as Twilio answers, late), so not finding it proves nothing until the settling
 * time has passed: until then the attempt fails, retryable, and Temporal's backoff brings
 * the next lookup. Twilio has no idempotency key for creating a message, so this wait is
 * the only guard (README, "Exactly one SMS").
 */
async function settleDoubt(deps: ActivityDeps, row: SmsRow, log: Logger): Promise<void> {
  const since = row.outcomeUnknownSince;
  if (since === null) return;
  const waitedMs = attemptClock() - since.getTime();
  const settleMs = deps.outcomeSettleMs ?? DEFAULT_OUTCOME_SETTLE_MS;
  if (waitedMs < settleMs) {
    throw ApplicationFailure.create({
      type: OUTCOME_SETTLING,
      message: `an earlier Twilio call may still create the message: looking it up for ${Math.round(settleMs / 1000)} s before sending again (${Math.round(waitedMs / 1000)} s so far)`,
      details: [{ outcomeUnknownSince: since.toISOString(), waitedMs, settleMs }],
    });
  }
  log.warn(
    { outcomeUnknownSince: since },
    'no trace of the earlier attempt after settling; sending again',
  );
  deps.metrics?.smsOutcomeUnknown.inc({ event: 'sent_again' });
  // The doubt is over: the next call starts its own, so a second timeout settles again.
  await clearOutcomeUnknown(deps.db, row.id);
  row.outcomeUnknownSince = null;
}

/**
 * Settling time runs on Temporal's clock, the one its retry backoff runs on: the current
 * attempt's schedule time (equal to the wall clock in production, skipped time in tests).
 * Outside an activity (never in the service) the wall clock stands in.
 */
function attemptClock(): number {
  try {
    return Context.current().info.currentAttemptScheduledTimestampMs;
  } catch {
    return Date.now();
  }
}

/**
 * The attempt's call was marked "outcome unknown" before it went out. A clear refusal
 * lifts that mark, unless an earlier call was already in doubt; a timeout, a cut
 * connection or a 5xx leaves it, and is counted.
 */
async function noteOutcome(deps: ActivityDeps, row: SmsRow, err: unknown, log: Logger) {
  const refused =
    err instanceof TwilioNotConfiguredError || (err instanceof SmsSendError && !err.outcomeUnknown);
  if (refused) {
    if (row.outcomeUnknownSince === null) await clearOutcomeUnknown(deps.db, row.id);
    return;
  }
  deps.metrics?.smsOutcomeUnknown.inc({ event: 'unknown' });
  log.warn(
    { err: err instanceof Error ? err.message : String(err) },
    'Twilio gave no clear answer: the SMS may exist; later attempts look it up before sending',
  );
}

/**
 * What a failed Twilio call leaves in the database: a refusal for good marks the row failed
 * (and gives back its send slot; a 21610 suppresses the number); a transient failure or an
 * unexpected error leaves the row for the next attempt.
 */
async function recordFailure(deps: ActivityDeps, row: SmsRow, err: unknown): Promise<void> {
  if (err instanceof TwilioNotConfiguredError) {
    await markFailed(deps.db, row.id, 'failed', { code: null, message: err.message });
    return;
  }
  if (!(err instanceof SmsSendError) || err.kind !== 'permanent') return;
  await releaseSendSlot(deps.db, row.workflowId, row.step);
  // Twilio 21610: the recipient replied STOP; never message the number again.
  if (err.code === 21610) await suppress(deps.db, row.toE164, 'twilio_21610', err.message);
  await markFailed(deps.db, row.id, 'failed', { code: err.code, message: err.message });
}

/**
 * The error the attempt fails with, typed for the retry policy: permanent Twilio errors and
 * a missing configuration are non-retryable; anything unexpected is thrown as it is.
 */
function activityFailure(err: unknown): unknown {
  if (err instanceof TwilioNotConfiguredError) {
    return ApplicationFailure.create({
      type: 'TwilioNotConfigured',
      message: err.message,
      nonRetryable: true,
    });
  }
  if (!(err instanceof SmsSendError)) return err;
  const details = [{ code: err.code, httpStatus: err.httpStatus }];
  const permanent = err.kind === 'permanent';
  return ApplicationFailure.create({
    type: permanent ? 'TwilioPermanentError' : 'TwilioTransientError',
    message: err.message,
    details,
    nonRetryable: permanent,
  });
}
