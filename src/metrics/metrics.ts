import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { registerAuditGauges, type AuditGaugeOptions } from './audit-gauges';
import { createGatewayKeyInstruments, type GatewayKeyInstruments } from './gateway-keys';
import { PREFIX } from './prefix';

/**
 * In-process instruments: what only the process that owns them sees. Numbers several
 * processes contribute to (recoveries, SMS statuses) come from the audit tables instead.
 */
export interface Metrics {
  registry: Registry;
  /** API: one per webhook request, by gateway, normalised payment status and intake outcome. */
  webhooksReceived: Counter<'gateway' | 'status' | 'outcome'>;
  /** API: time to answer a webhook, by gateway and HTTP status code. */
  webhookDuration: Histogram<'gateway' | 'code'>;
  /** API: Twilio status callbacks, by what became of them. */
  statusCallbacks: Counter<'result'>;
  /** API: connections dropped on arrival because HTTP_MAX_CONNECTIONS were open. */
  connectionsDropped: Counter;
  /** Worker: from the SMS's due time to Twilio accepting it. */
  smsTimerLag: Histogram;
  /** Worker: the gateway APIs asked right before an SMS, by gateway and what they said. */
  gatewayStatusChecks: Counter<'gateway' | 'result'>;
  /** Worker: Twilio calls left without a clear answer, and how each doubt was settled. */
  smsOutcomeUnknown: Counter<'event'>;
  /** API: fetches of a gateway's signing keys (Pagar.me's), and the age of the keys held. */
  gatewayKeys: GatewayKeyInstruments;
}

export interface MetricsOptions {
  /**
   * Only for the process whose /metrics speaks for the whole service (the API, or `npm
   * start`): gauges read from the audit tables at scrape time, truthful however many
   * workers wrote the rows. Left out in a worker, so two targets never report them twice.
   */
  audit?: AuditGaugeOptions;
  /**
   * prom-client's default `process_*` and `nodejs_*` series (CPU, memory, event-loop lag,
   * GC, handles). On for the processes the service runs; off in tests, which create many
   * registries in one process.
   */
  process?: boolean;
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];
  const metrics: Metrics = {
    registry,
    webhooksReceived: new Counter({
      name: `${PREFIX}webhooks_received_total`,
      help: 'Webhooks received, by gateway, payment status and intake outcome (rejected: refused before the intake)',
      labelNames: ['gateway', 'status', 'outcome'],
      registers,
    }),
    webhookDuration: new Histogram({
      name: `${PREFIX}webhook_duration_seconds`,
      help: 'Time to handle a webhook, by gateway and HTTP status code',
      labelNames: ['gateway', 'code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    statusCallbacks: new Counter({
      name: `${PREFIX}twilio_status_callbacks_total`,
      help: 'Twilio status callbacks, by result (recorded, not_newer, unknown_sid, untracked_status, rejected)',
      labelNames: ['result'],
      registers,
    }),
    connectionsDropped: new Counter({
      name: `${PREFIX}http_connections_dropped_total`,
      help: 'Connections the API dropped on arrival, unanswered, because HTTP_MAX_CONNECTIONS were open',
      registers,
    }),
    smsTimerLag: new Histogram({
      name: `${PREFIX}sms_timer_lag_seconds`,
      help: 'Seconds from a recovery SMS falling due to Twilio accepting it (timer lag plus sending)',
      buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
      registers,
    }),
    gatewayStatusChecks: new Counter({
      name: `${PREFIX}gateway_status_checks_total`,
      help: 'Payment statuses asked of a gateway API before an SMS, by gateway and result (waiting, ended, unknown_status, or why there was no answer)',
      labelNames: ['gateway', 'result'],
      registers,
    }),
    smsOutcomeUnknown: new Counter({
      name: `${PREFIX}sms_outcome_unknown_total`,
      help: 'Recovery SMS calls to Twilio that ended without a clear answer (event=unknown: timeout, cut connection, 5xx), and how each doubt ended (found_later: the message existed; sent_again: not found after the settling time)',
      labelNames: ['event'],
      registers,
    }),
    gatewayKeys: createGatewayKeyInstruments(registers),
  };
  if (options.audit) registerAuditGauges(registry, options.audit);
  if (options.process) collectDefaultMetrics({ register: registry });
  return metrics;
}

/** A clock behind the workflow's (or time-skipping in tests) would give a negative lag. */
export function observeTimerLag(
  metrics: Metrics | undefined,
  dueAt: string,
  now = Date.now(),
): void {
  const due = Date.parse(dueAt);
  if (!metrics || Number.isNaN(due)) return;
  metrics.smsTimerLag.observe(Math.max(0, (now - due) / 1000));
}
