import { formatDuration } from '../config/duration';
import { maskPhone } from '../domain/phone';
import { formatBrl } from '../sms/template';
import { formatTime, SMS_ACTIVITY_SUMMARY } from '../../workflows/current-details';
import { recoveryStart } from '../../workflows/due-time';
import type { PaymentUpdate, RecoveryInput } from '../../workflows/definitions';

export interface RecoveryMetadata {
  staticSummary: string;
  staticDetails: string;
}

/**
 * The Web UI's summary and details of a recovery, set when its first signal starts it.
 * Masked phone, no customer name: the Web UI is read by more people than the audit tables.
 */
export function recoveryMetadata(
  input: RecoveryInput,
  update: PaymentUpdate,
  nowMs: number,
): RecoveryMetadata {
  const timeZone = input.quietHours?.timeZone ?? 'UTC';
  const steps = input.steps?.length ? input.steps : [input.delayMs];
  const receivedMs = (update.receivedAt && Date.parse(update.receivedAt)) || nowMs;
  const dueMs = recoveryStart(update.createdAt, receivedMs) + steps[0];
  const amount =
    update.amountCentavos == null ? 'amount unknown' : formatBrl(update.amountCentavos);
  const summary =
    update.status === 'waiting'
      ? [
          input.gateway,
          amount,
          update.phoneE164 ? maskPhone(update.phoneE164) : 'no valid phone',
          `SMS due ${formatTime(dueMs, timeZone)}`,
        ]
      : [input.gateway, `first status: ${update.status}; no SMS`];
  return { staticSummary: summary.join(' · '), staticDetails: details(input, steps) };
}

function details(input: RecoveryInput, steps: number[]): string {
  const q = input.quietHours;
  const clock = (minute: number) =>
    `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
  return [
    `**Payment ${input.gateway} ${input.paymentId}**: one recovery SMS if the PIX is still waiting when it falls due.`,
    '',
    ...steps.map((ms, i) =>
      i === 0
        ? `- Step 1: ${formatDuration(ms)} after the payment was created (or first received)`
        : `- Step ${i + 1}: ${formatDuration(ms)} after step ${i} fell due, if still unpaid`,
    ),
    q
      ? `- Quiet hours ${clock(q.startMinute)}–${clock(q.endMinute)} ${q.timeZone}: a due SMS waits for them to end`
      : '- No quiet hours',
    '- A paid (or any terminal) status cancels the SMS until it reaches Twilio',
    `- Recovered: paid after the SMS, within ${formatDuration(input.attributionWindowMs)}`,
    `- ${SMS_ACTIVITY_SUMMARY}; an SMS failed for good fails this workflow`,
  ].join('\n');
}
