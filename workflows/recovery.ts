import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities, SendSmsInput } from '../activities';
import type { Ignored } from '../src/domain/intake-outcome';
import { isTerminal } from '../src/domain/payment-event';
import {
  NON_RETRYABLE_SMS_ERRORS,
  paymentStatusSignal,
  RECOVERY_STATUS_KEY,
  smsAttemptFailedSignal,
  stateQuery,
  type PaymentUpdate,
  type SmsAttemptFailure,
  type RecoveryInput,
  type RecoveryState,
} from './definitions';
import type { RecoveryStatus } from '../src/domain/recovery-status';
import { currentDetails, SMS_ACTIVITY_SUMMARY, type DetailsClock } from './current-details';
import { enrichThin } from './enrichment';
import { recoveryStart } from './due-time';
import { quietHoursEnd } from './quiet-hours';

type Activities = ReturnType<typeof createActivities>;
type SendSmsResult = Awaited<ReturnType<Activities['sendRecoverySms']>>;

/**
 * A skip because the gateway's API reported the sale over ends the recovery like a terminal
 * webhook. Patched: a worker without this rule, in a rolling deploy, recorded such a skip
 * as `skipped` and waited out the attribution window; its histories must replay unchanged.
 */
const GATEWAY_REPORTED_END_PATCH = 'gateway-reported-end';

/**
 * Audit rows are one small insert each. Written by a local activity, a transition costs no
 * round trip through the server: at the due time the worker records `sending` and
 * schedules the SMS in one workflow task, instead of three tasks and an activity in
 * between (benchmarked in BENCHMARKS.md). Patched: histories written with the remote
 * activity must replay with it.
 */
const LOCAL_TRANSITIONS_PATCH = 'local-transitions';

const TRANSITION_OPTIONS = {
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '1m' },
} as const;
const remote = proxyActivities<Activities>(TRANSITION_OPTIONS);
const local = proxyLocalActivities<Activities>(TRANSITION_OPTIONS);

/**
 * A terminal status applied while the SMS is scheduled, retrying or backing off cancels it.
 * Patched: a worker without this rule let the activity run on; histories it wrote, where a
 * status arrived during the send, must replay without the cancellation.
 */
const TERMINAL_STOPS_SEND_PATCH = 'terminal-stops-send';

/**
 * An SMS that failed for good fails the workflow, so the Web UI's and the CLI's failure
 * views list it. Patched: such recoveries used to complete with `sms_failed`.
 */
const SMS_FAILURE_FAILS_PATCH = 'sms-failure-fails-workflow';

/**
 * A thin update handed off again (the outbox's sweep repeats a signal it can't be sure
 * Temporal took) is dropped before its enrichment, which costs a gateway API call, rather
 * than after it. Patched: histories where the repeat was enriched must replay so.
 */
const REPEATED_THIN_NOT_ENRICHED_PATCH = 'repeated-thin-not-enriched';

/**
 * A query answered while a local activity is pending makes the SDK end the workflow task
 * with the activity's marker and run the code after it in a new task (sdk-core forces the
 * new task so it has one to reply with). A replay runs that code in the first task, where
 * the new task's patch markers are out of sight: a `patched()` asked after a transition
 * returned true live and false on replay (TMPRL1100 on terminal-stops-send, the recovery
 * stuck). Under this patch, asked at the start, those answers are taken from it instead;
 * histories without its marker still ask them where they used to.
 */
const PATCHES_AT_START = 'patches-at-start';

/**
 * A terminal status applied while the first step's Twilio call was in flight, a call that
 * then failed for good, ends the recovery on that status (paid: `cancelled`, as when it
 * came before the send) and the workflow completes; the failure stays in the state's `sms`
 * and in the final transition's detail. Patched: such recoveries used to end `sms_failed`
 * and fail the workflow. Asked at the start, as PATCHES_AT_START explains.
 */
const TERMINAL_WINS_SMS_FAILURE_PATCH = 'terminal-wins-sms-failure';

const { sendRecoverySms } = proxyActivities<Activities>({
  summary: SMS_ACTIVITY_SUMMARY,
  startToCloseTimeout: '30s',
  // Cancellation reaches the activity through its heartbeats; waiting for the activity's
  // own answer tells the workflow whether a Twilio call already in flight went through.
  heartbeatTimeout: '10s',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  // Transient Twilio trouble (429, 5xx, network) is retried with backoff for a bounded
  // time; permanent Twilio errors are thrown as non-retryable types and fail at once.
  scheduleToCloseTimeout: '1h',
  retry: {
    initialInterval: '5s',
    backoffCoefficient: 2,
    maximumInterval: '5m',
    nonRetryableErrorTypes: NON_RETRYABLE_SMS_ERRORS,
  },
});

/**
 * The SDK's promise hook captures and source-maps a stack trace for every promise a workflow
 * creates, on every run and every replay (BENCHMARKS.md, "Session 8"), so the workflow makes
 * none it doesn't need: functions that only pass a promise on are not `async`, and a wait
 * already over is not awaited. None of this changes a command.
 */
export function paymentRecovery(input: RecoveryInput): Promise<RecoveryState> {
  const recovery = new Recovery(input);
  setHandler(paymentStatusSignal, (update) => recovery.receive(update));
  setHandler(stateQuery, () => recovery.snapshot());
  setHandler(smsAttemptFailedSignal, (failure) => recovery.noteFailedAttempt(failure));
  return recovery.run();
}

const iso = (ms: number) => new Date(ms).toISOString();

class Recovery {
  private readonly state: RecoveryState;
  private readonly steps: number[];
  private readonly seenEvents = new Set<string>();
  /** Event ids of the thin updates whose enrichment has started. */
  private readonly enrichedEvents = new Set<string>();
  private latest: PaymentUpdate | null = null;
  private waiting: PaymentUpdate | null = null;
  private firstReceivedMs: number | null = null;
  /** Workflow time of the last SMS that went out; null while none has. */
  private lastSentMs: number | null = null;
  /** When Twilio accepted the first SMS (the worker's clock), when the activity said so. */
  private firstAcceptedMs: number | null = null;
  /** Whether an SMS had gone out when the first terminal status was applied. */
  private endedAfterSms: boolean | null = null;
  /** When the paid webhook was received (the API's clock); null for a status without one. */
  private paidReceivedMs: number | null = null;
  /** Set when a terminal status stopped the step's SMS (TERMINAL_STOPS_SEND_PATCH). */
  private sendStopped = false;
  private stopsSend = false;
  /** PATCHES_AT_START: the patches asked after a transition are taken as applied. */
  private readonly patchedAtStart = patched(PATCHES_AT_START);
  private readonly terminalWinsSmsFailure = patched(TERMINAL_WINS_SMS_FAILURE_PATCH);
  /** The first step's failure for good, when a terminal status applied during it won. */
  private failureBehindTerminal: Record<string, unknown> | null = null;
  /** The activity failure that ended the SMS step for good, kept as the workflow's cause. */
  private smsFailure: unknown = null;
  /** Why the gateway's answer to a thin webhook leads to no SMS (`ignored: no phone`…). */
  private ignored: Ignored | null = null;

  constructor(private readonly input: RecoveryInput) {
    this.steps = input.steps?.length ? input.steps : [input.delayMs];
    this.state = {
      gateway: input.gateway,
      paymentId: input.paymentId,
      status: 'waiting',
      lastPaymentStatus: null,
      dueAt: null,
      sms: null,
      paidAt: null,
      updatesApplied: 0,
      step: 0,
      steps: this.steps.length,
      heldUntil: null,
      smsSent: 0,
      failedAttempt: null,
    };
  }

  snapshot(): RecoveryState {
    const { sms, failedAttempt } = this.state;
    return {
      ...this.state,
      sms: sms && { ...sms },
      failedAttempt: failedAttempt && { ...failedAttempt },
    };
  }

  /**
   * The SMS activity reports each attempt that failed and will be retried. Only the step
   * being sent takes it, and only a later attempt: a report that arrives after the step
   * ended, or late, changes nothing. Signals are not commands, so histories recorded
   * before these reports replay unchanged.
   */
  noteFailedAttempt(failure: SmsAttemptFailure): void {
    if (!failure || typeof failure.attempt !== 'number') return;
    const current = this.state.failedAttempt;
    if (this.state.status !== 'sending' || failure.step !== this.state.step) return;
    if (current && current.attempt >= failure.attempt) return;
    this.state.failedAttempt = { ...failure };
    this.show({ kind: 'retrying', failure });
  }

  /** A thin update is completed from the gateway's API first (workflows/enrichment.ts). */
  receive(update: PaymentUpdate): void | Promise<void> {
    if (!update?.enrich) return this.apply(update);
    if (this.isRepeatedThin(update)) return;
    if (update.eventId) this.enrichedEvents.add(update.eventId);
    return enrichThin(update, this.input).then((enriched) => {
      this.ignored ??= enriched.ignored;
      if (enriched.update) return this.apply(enriched.update);
      // No answer: nothing learned, but a recovery that has no update yet must end.
      if (this.latest === null) this.apply({ status: 'other', eventId: update.eventId });
    });
  }

  /** Whether this thin update's event was enriched already, or is being (a repeat). */
  private isRepeatedThin(update: PaymentUpdate): boolean {
    const id = update.eventId;
    if (!id || !(this.enrichedEvents.has(id) || this.seenEvents.has(id))) return false;
    return patched(REPEATED_THIN_NOT_ENRICHED_PATCH);
  }

  apply(update: PaymentUpdate): void {
    if (!update || typeof update.status !== 'string') {
      log.warn('ignoring a paymentStatus signal without a status');
      return;
    }
    if (update.eventId) {
      if (this.seenEvents.has(update.eventId)) return;
      this.seenEvents.add(update.eventId);
    }
    this.state.updatesApplied += 1;
    this.firstReceivedMs ??= update.receivedAt
      ? Date.parse(update.receivedAt) || Date.now()
      : Date.now();
    if (this.terminal) return; // the first terminal status decides; later ones change nothing
    this.latest = update;
    this.noteTerminal(update);
    this.state.lastPaymentStatus = update.status;
    if (update.status === 'paid') this.state.paidAt = update.receivedAt ?? new Date().toISOString();
    if (update.status === 'waiting' && update.phoneE164 && !this.waiting) this.waiting = update;
  }

  /** What attribution needs to know about the status that ends the sale. */
  private noteTerminal(update: PaymentUpdate): void {
    if (!this.terminal) return;
    this.endedAfterSms = this.lastSentMs !== null;
    if (update.status === 'paid' && update.receivedAt)
      this.paidReceivedMs = Date.parse(update.receivedAt) || null;
  }

  private get terminal(): boolean {
    return this.latest !== null && isTerminal(this.latest.status);
  }

  async run(): Promise<RecoveryState> {
    // signalWithStart brings the first update with the start; a bare start waits for one.
    // The start runs after the activation's signals, so the update is usually here already.
    if (this.latest === null) await condition(() => this.latest !== null);
    // Only a thin webhook's recovery can be ignored: its gateway had no phone, or no answer.
    if (this.ignored && !this.terminal && !this.waiting)
      return this.endWith('skipped', { ...this.ignored });
    if (this.terminal || !this.waiting) return this.endWith('cancelled', this.unattributedReason());

    let dueMs = recoveryStart(this.waiting.createdAt, this.firstReceivedMs!);
    for (const [index, delayMs] of this.steps.entries()) {
      const step = index + 1;
      dueMs += delayMs;
      this.state.step = step;
      this.state.dueAt = iso(dueMs);
      await this.transition('waiting', { step, dueAt: this.state.dueAt });
      this.show({ kind: 'waiting', step, untilMs: dueMs });
      const ended =
        (await this.waitUntil(dueMs)) ||
        (!!this.input.quietHours && (await this.holdForQuietHours(step)));
      if (ended) return this.endOnPaymentStatus();
      const sent = await this.send(step);
      // A terminal status that arrived during the send decides now, whatever the send did.
      if (this.sendStopped || (sent && this.stopsSend && this.terminal))
        return this.endOnPaymentStatus();
      if (!sent) {
        // A first step that couldn't send has ended the recovery; a later one leaves the
        // earlier SMS to be attributed.
        if (this.lastSentMs === null) return this.failIfSmsFailed();
        break;
      }
    }
    return this.awaitPaymentThenAttribute();
  }

  /** Waits until `ms` (workflow time); true when a terminal status arrived first. */
  private async waitUntil(ms: number): Promise<boolean> {
    const remaining = ms - Date.now();
    if (remaining > 0) await condition(() => this.terminal, remaining);
    return this.terminal;
  }

  /** A message due inside quiet hours waits for the window to open; true if the sale ended meanwhile. */
  private async holdForQuietHours(step: number): Promise<boolean> {
    if (!this.input.quietHours) return false;
    const opensMs = quietHoursEnd(Date.now(), this.input.quietHours);
    if (opensMs === null) return false;
    this.state.heldUntil = iso(opensMs);
    await this.transition('held', { step, until: this.state.heldUntil });
    this.show({ kind: 'held', step, untilMs: opensMs });
    const ended = await this.waitUntil(opensMs);
    this.state.heldUntil = null;
    return ended;
  }

  /** Runs the SMS activity for one step; true when the message went out. */
  private async send(step: number): Promise<boolean> {
    const update = this.waiting!;
    await this.transition('sending', { step, dueAt: this.state.dueAt });
    this.show({ kind: 'sending', step });
    try {
      const result = await this.sendUnlessEnded({
        workflowId: workflowInfo().workflowId,
        gateway: this.input.gateway,
        paymentId: this.input.paymentId,
        step,
        to: update.phoneE164!,
        customerName: update.customerName ?? null,
        amountCentavos: update.amountCentavos ?? null,
        checkoutUrl: update.checkoutUrl ?? null,
        pixCode: update.pixCode ?? null,
        dueAt: this.state.dueAt!,
      });
      if (result === null) {
        this.sendStopped = true;
        this.state.sms = { status: 'skipped', step, reason: 'payment_ended', at: iso(Date.now()) };
        return false;
      }
      if (result.outcome === 'skipped') {
        this.state.sms = {
          status: 'skipped',
          step,
          reason: result.reason,
          at: new Date().toISOString(),
        };
        const ended = result.reason === 'payment_ended' || this.gatewayReportedEnd(result);
        await this.endStepUnsent(ended ? 'cancelled' : 'skipped', {
          step,
          reason: result.reason,
          ...(result.rawStatus
            ? { paymentStatus: result.paymentStatus, rawStatus: result.rawStatus }
            : {}),
        });
        return false;
      }
      this.state.sms = {
        status: 'sent',
        step,
        sid: result.sid,
        twilioStatus: result.twilioStatus,
        at: new Date().toISOString(),
      };
      this.state.smsSent = (this.state.smsSent ?? 0) + 1;
      if (this.lastSentMs === null && result.acceptedAt)
        this.firstAcceptedMs = Date.parse(result.acceptedAt) || null;
      this.lastSentMs = Date.now();
      await this.transition('sms_sent', { step, sid: result.sid, dueAt: this.state.dueAt });
      this.show({ kind: 'sent', step, sid: result.sid });
      return true;
    } catch (err) {
      this.smsFailure = err;
      const failure = describeFailure(err);
      this.state.sms = { status: 'failed', step, ...failure, at: new Date().toISOString() };
      if (this.terminalWinsSmsFailure && this.terminal && this.lastSentMs === null) {
        this.sendStopped = true;
        this.failureBehindTerminal = { step, ...failure };
        return false;
      }
      await this.endStepUnsent('sms_failed', { step, ...failure });
      return false;
    }
  }

  /**
   * Runs the SMS activity in a scope that a terminal status cancels; null when it did and
   * the activity stopped before reaching Twilio. A call already in flight may still finish:
   * its result comes back, and attribution compares times.
   */
  private async sendUnlessEnded(input: SendSmsInput): Promise<SendSmsResult | null> {
    if (!this.patchedAtStart && !patched(TERMINAL_STOPS_SEND_PATCH)) return sendRecoverySms(input);
    this.stopsSend = true;
    if (this.terminal) return null;
    const scope = new CancellationScope();
    let settled = false;
    void condition(() => settled || this.terminal).then(() => {
      if (!settled) scope.cancel();
    });
    try {
      const result = await scope.run(() => sendRecoverySms(input));
      // The activity saw the status the workflow applied and sent nothing.
      const stopped = result.outcome === 'skipped' && result.reason === 'payment_ended';
      return stopped && this.terminal ? null : result;
    } catch (err) {
      if (this.terminal && isCancellation(err)) return null;
      throw err;
    } finally {
      settled = true;
    }
  }

  /** A first step whose SMS failed for good fails the workflow with Twilio's words. */
  private failIfSmsFailed(): RecoveryState {
    const { sms } = this.state;
    if (this.state.status !== 'sms_failed') return this.snapshot();
    if (!this.patchedAtStart && !patched(SMS_FAILURE_FAILS_PATCH)) return this.snapshot();
    const code = sms?.errorCode === undefined ? '' : ` ${sms.errorCode}`;
    throw ApplicationFailure.create({
      type: 'RecoverySmsFailed',
      message: `Twilio${code}: ${sms?.reason ?? 'the SMS could not be sent'}`,
      details: [this.snapshot()],
      nonRetryable: true,
      cause: this.smsFailure instanceof Error ? this.smsFailure : undefined,
    });
  }

  /**
   * The gateway's API said the sale ended although no terminal webhook came: that status is
   * the latest, so a later step's attribution decides now rather than after the window.
   */
  private gatewayReportedEnd(result: SendSmsResult): boolean {
    if (result.outcome !== 'skipped' || result.reason !== 'gateway_reports_ended') return false;
    if (!patched(GATEWAY_REPORTED_END_PATCH)) return false;
    if (result.paymentStatus && !this.terminal) {
      this.latest = { status: result.paymentStatus, rawStatus: result.rawStatus };
      this.noteTerminal(this.latest);
      this.state.lastPaymentStatus = result.paymentStatus;
      if (result.paymentStatus === 'paid') this.state.paidAt = new Date().toISOString();
    }
    return true;
  }

  /**
   * A step that sent nothing: the recovery's status when no SMS went out before; after an
   * earlier step's SMS the recovery stays `sms_sent`, and the transition is only recorded.
   */
  private async endStepUnsent(
    status: RecoveryStatus,
    detail: Record<string, unknown>,
  ): Promise<void> {
    if (this.lastSentMs === null) {
      await this.endWith(status, detail);
      return;
    }
    await this.record(status, detail);
  }

  /** A terminal status ended the sale during a step: cancelled before any SMS; after one, attribution decides. */
  private async endOnPaymentStatus(): Promise<RecoveryState> {
    if (this.lastSentMs === null) {
      const smsFailure = this.failureBehindTerminal;
      return this.endWith('cancelled', {
        ...this.unattributedReason(),
        ...(smsFailure && { smsFailure }),
      });
    }
    return this.decideAttribution();
  }

  /** After the last SMS: waits out the attribution window for a terminal status, then decides. */
  private async awaitPaymentThenAttribute(): Promise<RecoveryState> {
    await condition(() => this.terminal, this.input.attributionWindowMs);
    return this.decideAttribution();
  }

  /** Recovered (paid after the SMS), cancelled (paid before it) or not recovered; ends the recovery. */
  private async decideAttribution(): Promise<RecoveryState> {
    if (this.latest?.status === 'paid' && !this.paidAfterSms()) {
      return this.endWith('cancelled', {
        reason: 'paid_before_sms',
        paymentStatus: 'paid',
        sid: this.state.sms?.sid ?? null,
      });
    }
    if (this.latest?.status === 'paid') {
      return this.endWith('recovered', {
        amountCentavos: this.latest.amountCentavos ?? this.waiting?.amountCentavos ?? null,
        msFromSmsToPaid: Date.now() - this.lastSentMs!,
      });
    }
    return this.endWith('not_recovered', this.unattributedReason());
  }

  /**
   * A payment counts as recovered only if it came after an SMS. With a webhook's receipt
   * time and Twilio's acceptance time both known, the clocks decide (a signal and the
   * send's result can reach the workflow in either order). Otherwise (a status signalled
   * by hand, a result recorded before acceptance times existed) the workflow's order does:
   * no SMS out when the paid status was applied means paid first, an in-flight call included.
   */
  private paidAfterSms(): boolean {
    if (this.paidReceivedMs !== null && this.firstAcceptedMs !== null)
      return this.paidReceivedMs >= this.firstAcceptedMs;
    return this.endedAfterSms !== false;
  }

  /** What the Web UI shows as the recovery's current details. */
  private show(event: Parameters<typeof currentDetails>[0]): void {
    const clock: DetailsClock = { timeZone: this.input.quietHours?.timeZone ?? 'UTC' };
    setCurrentDetails(currentDetails(event, clock));
  }

  /**
   * Why a recovery ended without a payment to attribute. An SMS that went out is asked
   * about first: after it, the payment is still `waiting` and only the window ran out.
   */
  private unattributedReason(): Record<string, unknown> {
    if (this.terminal) return { reason: 'payment_status', paymentStatus: this.latest!.status };
    if (this.lastSentMs !== null) {
      return { reason: 'attribution_window_elapsed', paymentStatus: this.latest?.status };
    }
    if (this.latest?.status === 'waiting') return { reason: 'no_valid_phone' };
    return { reason: 'not_waiting', paymentStatus: this.latest?.status };
  }

  /** Records the recovery's final status, shows it in the Web UI and returns the final state. */
  private async endWith(
    status: RecoveryStatus,
    detail: Record<string, unknown>,
  ): Promise<RecoveryState> {
    await this.transition(status, detail);
    this.show({ kind: 'finished', status, detail });
    return this.snapshot();
  }

  private transition(status: RecoveryStatus, detail: Record<string, unknown>): Promise<void> {
    this.state.status = status;
    if (status !== 'sending') this.state.failedAttempt = null;
    upsertSearchAttributes([{ key: RECOVERY_STATUS_KEY, value: status }]);
    return this.record(status, detail);
  }

  /**
   * Writes one audit row for a transition, keyed by what it records: the transition and the
   * step it happened at. A workflow task that crashed after its row was written is retried
   * from the history, where it may see more signals and take another path; that retry
   * writes its own transitions under their own keys, and the same transition again under
   * the same key (a no-op). A running count as the key let a different transition of the
   * retry collide with the crashed task's row and be dropped. The key is an activity
   * input, not a command, so histories recorded with the count still replay.
   */
  private record(status: RecoveryStatus, detail: Record<string, unknown>): Promise<void> {
    const { workflowId, runId } = workflowInfo();
    const { recordTransition } = patched(LOCAL_TRANSITIONS_PATCH) ? local : remote;
    return recordTransition({
      eventKey: `${workflowId}:${runId}:${this.state.step ?? 0}:${status}`,
      workflowId,
      gateway: this.input.gateway,
      paymentId: this.input.paymentId,
      transition: status,
      detail,
      occurredAt: new Date().toISOString(),
    });
  }
}

/** The Twilio code and message of the failure that ended the SMS step, however wrapped. */
function describeFailure(err: unknown): { errorCode?: number | string; reason: string } {
  let cause: unknown = err;
  while (cause instanceof Error && !(cause instanceof ApplicationFailure) && cause.cause) {
    cause = cause.cause; // ActivityFailure → TimeoutFailure (retries ran out) → last attempt's error
  }
  if (cause instanceof ApplicationFailure) {
    const details = (cause.details?.[0] ?? {}) as { code?: number | string };
    return { errorCode: details.code ?? cause.type ?? undefined, reason: cause.message };
  }
  const top = err instanceof ActivityFailure && err.cause ? err.cause : err;
  return { reason: top instanceof Error ? top.message : String(top) };
}
