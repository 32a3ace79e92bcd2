/**
 * What the intake concludes about a webhook, and why one leads to no SMS: shared by the
 * intake, the enrichment activity and the workflow (types only), so it lives with the
 * vocabulary rather than in src/intake.
 */
import { isTerminal, type PaymentEvent } from './payment-event';

/** What the intake answers a webhook (the `outcome` of its JSON answer and of the metric). */
export const INTAKE_OUTCOMES = [
  'scheduled',
  'signalled',
  'duplicate',
  'ignored: not pix',
  'ignored: invalid phone',
  'ignored: status not actionable',
  'ignored: payment ended',
  'ignored: recovery finished',
] as const;
export type IntakeOutcome = (typeof INTAKE_OUTCOMES)[number];

/** The outcomes that hand the webhook to its recovery (an outbox row goes with them). */
export const ROUTED_OUTCOMES = [
  'scheduled',
  'signalled',
] as const satisfies readonly IntakeOutcome[];

/**
 * What a thin webhook's recovery concludes after the answer, from the gateway's API: no
 * phone we may text in it (recorded on the webhook's row), or no answer at all.
 */
export const ENRICHMENT_OUTCOMES = ['ignored: no phone', 'ignored: enrichment failed'] as const;

/** What a webhook's row records as its outcome (a repeat is answered `duplicate`, never stored). */
export const RECORDED_OUTCOMES = [...INTAKE_OUTCOMES, ...ENRICHMENT_OUTCOMES] as const;
export type RecordedOutcome = (typeof RECORDED_OUTCOMES)[number];

export interface Ignored<O extends RecordedOutcome = RecordedOutcome> {
  outcome: O;
  reason?: string;
}

/**
 * Why an event leads to no SMS and changes no recovery, from the event alone; null when it
 * may. The enrichment activity asks the same of what a thin webhook's gateway answered,
 * where a waiting payment without a phone is `ignored: no phone`.
 */
export function whyIgnored<P extends RecordedOutcome = 'ignored: invalid phone'>(
  event: PaymentEvent,
  phoneE164: string | null,
  phoneError: string | null,
  noPhone: P = 'ignored: invalid phone' as P,
): Ignored<IntakeOutcome | P> | null {
  const terminal = isTerminal(event.status);
  if (event.status === 'other')
    return { outcome: 'ignored: status not actionable', reason: event.rawStatus };
  // A terminal webhook may omit the method (TriboPay's minimal `paid`); it still ends a PIX recovery.
  if (event.method !== 'pix' && !(terminal && event.method === null)) {
    return { outcome: 'ignored: not pix', reason: event.rawMethod ?? 'method missing' };
  }
  if (!terminal && !phoneE164) return { outcome: noPhone, reason: phoneError ?? undefined };
  return null;
}
