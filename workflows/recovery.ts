import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { isTerminal } from '../src/domain/payment-event';
import {
  NON_RETRYABLE_SMS_ERRORS,
  paymentStatusSignal,
  RECOVERY_STATUS_KEY,
  stateQuery,
  type PaymentUpdate,
  type RecoveryInput,
  type RecoveryState,
  type RecoveryStatus,
} from './definitions';
import { recoveryStart } from './due-time';

type Activities = ReturnType<typeof createActivities>;

const { recordTransition } = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '1m' },
});

const { sendRecoverySms } = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
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


/** The first recovery step; sequences (several steps) build on this numbering. */
const STEP = 1;

export async function paymentRecovery(input: RecoveryInput): Promise<RecoveryState> {
  const recovery = new Recovery(input);
  setHandler(paymentStatusSignal, (update) => recovery.apply(update));
  setHandler(stateQuery, () => recovery.snapshot());
  return recovery.run();
}

class Recovery {
  private readonly state: RecoveryState;
  private readonly seenEvents = new Set<string>();
  private latest: PaymentUpdate | null = null;
  private waiting: PaymentUpdate | null = null;
  private firstReceivedMs: number | null = null;
  private transitions = 0;

  constructor(private readonly input: RecoveryInput) {
    this.state = {
      gateway: input.gateway,
      paymentId: input.paymentId,
      status: 'waiting',
      lastPaymentStatus: null,
      dueAt: null,
      sms: null,
      paidAt: null,
      updatesApplied: 0,
    };
  }

  snapshot(): RecoveryState {
    return { ...this.state, sms: this.state.sms && { ...this.state.sms } };
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
    this.firstReceivedMs ??= update.receivedAt ? Date.parse(update.receivedAt) || Date.now() : Date.now();
    if (this.terminal) return; // the first terminal status decides; later ones change nothing
    this.latest = update;
    this.state.lastPaymentStatus = update.status;
    if (update.status === 'paid') this.state.paidAt = update.receivedAt ?? new Date().toISOString();
    if (update.status === 'waiting' && update.phoneE164 && !this.waiting) this.waiting = update;
  }

  private get terminal(): boolean {
    return this.latest !== null && isTerminal(this.latest.status);
  }

  async run(): Promise<RecoveryState> {
    // signalWithStart delivers the first update with the start; a bare start waits for one.
    await condition(() => this.latest !== null);
    if (this.terminal || !this.waiting) return this.finish('cancelled', this.endDetail());

    const dueMs = recoveryStart(this.waiting.createdAt, this.firstReceivedMs!) + this.input.delayMs;
    this.state.dueAt = new Date(dueMs).toISOString();
    await this.transition('waiting', { dueAt: this.state.dueAt });
    const remaining = dueMs - Date.now();
    if (remaining > 0) await condition(() => this.terminal, remaining);
    if (this.terminal) return this.finish('cancelled', this.endDetail());

    if (!(await this.send())) return this.state;
    return this.attribute();
  }

  /** Runs the SMS activity; true when the message went out. */
  private async send(): Promise<boolean> {
    const update = this.waiting!;
    await this.transition('sending', { dueAt: this.state.dueAt });
    try {
      const result = await sendRecoverySms({
        workflowId: workflowInfo().workflowId,
        gateway: this.input.gateway,
        paymentId: this.input.paymentId,
        step: STEP,
        to: update.phoneE164!,
        customerName: update.customerName ?? null,
        amountCentavos: update.amountCentavos ?? null,
        checkoutUrl: update.checkoutUrl ?? null,
        pixCode: update.pixCode ?? null,
        dueAt: this.state.dueAt!,
      });
      if (result.outcome === 'skipped') {
        this.state.sms = { status: 'skipped', reason: result.reason, at: new Date().toISOString() };
        await this.finish('cancelled', { reason: result.reason });
        return false;
      }
      this.state.sms = { status: 'sent', sid: result.sid, twilioStatus: result.twilioStatus, at: new Date().toISOString() };
      await this.transition('sms_sent', { sid: result.sid, dueAt: this.state.dueAt });
      return true;
    } catch (err) {
      const failure = describeFailure(err);
      this.state.sms = { status: 'failed', ...failure, at: new Date().toISOString() };
      await this.finish('sms_failed', failure);
      return false;
    }
  }

  /** After the SMS, a payment inside the attribution window counts as recovered. */
  private async attribute(): Promise<RecoveryState> {
    const sentAtMs = Date.now();
    await condition(() => this.terminal, this.input.attributionWindowMs);
    if (this.latest?.status === 'paid') {
      return this.finish('recovered', {
        amountCentavos: this.latest.amountCentavos ?? this.waiting?.amountCentavos ?? null,
        msFromSmsToPaid: Date.now() - sentAtMs,
      });
    }
    return this.finish('not_recovered', this.endDetail());
  }

  private endDetail(): Record<string, unknown> {
    if (this.terminal) return { reason: 'payment_status', paymentStatus: this.latest!.status };
    if (this.latest?.status === 'waiting') return { reason: 'no_valid_phone' };
    return { reason: this.state.sms ? 'attribution_window_elapsed' : 'not_waiting', paymentStatus: this.latest?.status };
  }

  private async finish(status: RecoveryStatus, detail: Record<string, unknown>): Promise<RecoveryState> {
    await this.transition(status, detail);
    return this.snapshot();
  }

  private async transition(status: RecoveryStatus, detail: Record<string, unknown>): Promise<void> {
    this.state.status = status;
    upsertSearchAttributes([{ key: RECOVERY_STATUS_KEY, value: status }]);
    this.transitions += 1;
    const { workflowId, runId } = workflowInfo();
    await recordTransition({
      eventKey: `${workflowId}:${runId}:${this.transitions}`,
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
