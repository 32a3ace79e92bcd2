import type { PaymentView } from '../monitoring/shapes';
import type { RecoveryState } from '../../workflows/definitions';
import { formatBrl } from '../sms/template';

/** Why the view has no live state, in an operator's words. */
const NO_STATE: Record<NonNullable<PaymentView['workflow']['reason']>, string> = {
  workflow_not_found: 'no workflow (never started, or past the retention period)',
  temporal_timeout: 'Temporal did not answer in time (is a worker running?)',
  temporal_error: 'Temporal unreachable',
};

/** `payment show` without `--json`: the view as a few aligned sections. */
export function paymentSummary(view: PaymentView): string {
  return [
    `payment     ${view.gateway} ${view.paymentId}`,
    ...workflowLines(view),
    '',
    section('webhooks', view.events.length, view.events.map(webhookLine)),
    '',
    section(
      'transitions',
      view.transitions.length,
      view.transitions.map((t) => `${t.occurredAt}  ${t.transition}`),
    ),
    '',
    section('sms', view.sms.length, view.sms.flatMap(smsLines)),
  ].join('\n');
}

/** Temporal's word on the execution; a recovery closed by hand says so before anything else. */
function executionLine({ execution }: PaymentView['workflow']): string[] {
  if (!execution) return [];
  const closed = execution.closedAt ? ` at ${execution.closedAt}` : '';
  const byHand = execution.closedByHand
    ? ' — closed by hand; the status below is where it stopped'
    : '';
  return [`execution   ${execution.status}${closed}${byHand}`];
}

function workflowLines({ workflowId, workflow, links }: PaymentView): string[] {
  const { state, reason } = workflow;
  const lines = [
    `workflow    ${workflowId}`,
    `            ${links.temporalUi}`,
    ...executionLine(workflow),
  ];
  if (!state) return [...lines, `status      ${reason ? NO_STATE[reason] : 'unknown'}`];
  const sms = state.sms;
  return [
    ...lines,
    `status      ${state.status} (payment ${state.lastPaymentStatus ?? 'unknown'})`,
    ...(state.dueAt ? [`sms due     ${state.dueAt}`] : []),
    ...(sms
      ? [
          `sms         ${[sms.status, sms.sid, sms.twilioStatus, sms.reason].filter(Boolean).join(' ')} at ${sms.at}`,
        ]
      : []),
    ...(state.failedAttempt ? [`retrying    ${failedAttemptLine(state.failedAttempt)}`] : []),
    ...(state.paidAt ? [`paid at     ${state.paidAt}`] : []),
  ];
}

function webhookLine(e: PaymentView['events'][number]): string {
  const status =
    e.rawStatus === e.paymentStatus ? e.paymentStatus : `${e.paymentStatus} (${e.rawStatus})`;
  const amount = e.amountCentavos === null ? null : formatBrl(e.amountCentavos);
  const phone = e.phone ?? (e.phoneError ? `phone ${e.phoneError}` : null);
  return [e.receivedAt, status, e.paymentMethod, amount, phone, e.outcome && `→ ${e.outcome}`]
    .filter(Boolean)
    .join('  ');
}

function smsLines(s: PaymentView['sms'][number]): string[] {
  const error =
    s.errorCode === null
      ? null
      : `error ${s.errorCode}${s.errorMessage ? ` ${s.errorMessage}` : ''}`;
  const head = [
    s.createdAt,
    `step ${s.step}`,
    s.to,
    s.status,
    s.twilioSid,
    error,
    `${s.attempts} attempt(s)`,
  ];
  return [head.filter(Boolean).join('  '), `    ${s.body}`];
}

function section(title: string, count: number, lines: string[]): string {
  return [`${title} (${count === 0 ? 'none' : count})`, ...lines.map((line) => `  ${line}`)].join(
    '\n',
  );
}

/** `attempt 3 at …: Twilio 503 20503 (Service unavailable)` */
function failedAttemptLine(failure: NonNullable<RecoveryState['failedAttempt']>): string {
  const code = [failure.httpStatus, failure.errorCode].filter((part) => part !== undefined);
  const cause = code.length ? `Twilio ${code.join(' ')}` : failure.errorType;
  return `attempt ${failure.attempt} at ${failure.at}: ${cause} (${failure.reason})`;
}
