import type { PayloadCodec } from '@temporalio/common';
import type { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createRetentionActivities } from '../../activities/retention';
import { formatDuration } from '../config';
import { phoneScrubber } from '../privacy/anonymise';
import { ensureRetentionSchedule } from '../temporal/retention-schedule';
import type { Config } from '../config';
import type { Db } from '../db/connect';
import { statusCallbackUrl } from '../sms-status/callback-url';
import type { Logger } from '../logging';
import { createMetrics, type Metrics } from '../metrics/metrics';
import { serveMetrics, type MetricsServer } from '../metrics/server';
import { createSmsSender, type SmsSender } from '../sms/sender';
import { toGsm7 } from '../sms/gsm7';
import { segmentCount } from '../sms/segments';
import { createPaymentEnrichers } from '../gateways/enrichers';
import { warnIfEnrichmentUnconfigured } from './gateway-warnings';
import { createPaymentStatusSources } from '../source-of-truth';
import {
  DEFAULT_FOLLOW_UP_TEMPLATE,
  DEFAULT_TEMPLATE,
  sampleMessage,
  validateTemplate,
} from '../sms/template';
import { connectClient, connectWorker } from '../temporal/clients';
import { temporalTarget } from '../temporal/connect';
import { payloadCodec } from '../temporal/encryption';
import { ensureSearchAttributes } from '../temporal/search-attributes';
import { createWorker } from '../temporal/worker';

export interface RunningWorker {
  worker: Worker;
  /** Resolves when the worker has stopped (after `shutdown`), rejects if it crashed. */
  done: Promise<void>;
  /** Where this worker serves /metrics (WORKER_METRICS_PORT), when it does. */
  metricsUrl?: string;
  shutdown(): Promise<void>;
}

export async function startWorker(
  config: Config,
  db: Db,
  logger: Logger,
  sms?: SmsSender,
  metrics: Metrics = createMetrics({ process: true }),
): Promise<RunningWorker> {
  const [template, ...followUpTemplates] = stepTemplates(config);
  reportSegments([template, ...followUpTemplates], config.recovery.gsm7, logger);
  if (!config.twilio)
    logger.warn('Twilio is not configured: recovery SMS will fail with "TwilioNotConfigured"');
  warnIfEnrichmentUnconfigured(config, logger);
  reportStatusCheck(config, logger);
  const codec = payloadCodec(config, logger);
  if (codec.keyId) logger.info({ keyId: codec.keyId }, 'Temporal payloads encrypted (AES-256-GCM)');
  const target = temporalTarget(config);
  await registerSearchAttributes(target, codec, logger);
  await scheduleRetention(target, codec, config, logger);
  const connection = await connectWorker(target);
  const worker = await createWorker({
    connection,
    codec,
    namespace: target.namespace,
    taskQueue: config.temporal.taskQueue,
    maxCachedWorkflows: config.temporal.cachedWorkflows,
    tuning: {
      workflowTaskSlots: config.temporal.workflowTaskSlots,
      activityTaskSlots: config.temporal.activityTaskSlots,
      workflowPollers: config.temporal.workflowPollers,
      activityPollers: config.temporal.activityPollers,
      workflowThreads: config.temporal.workflowThreads,
    },
    activities: {
      ...createRetentionActivities({ db, logger, scrub: phoneScrubber(config.payload.keys) }),
      ...createActivities({
        db,
        logger,
        template,
        followUpTemplates,
        frequencyCap: {
          maxPerWindow: config.recovery.maxSmsPerPhone,
          windowMs: config.recovery.frequencyWindowMs,
        },
        gsm7: config.recovery.gsm7,
        sms: sms ?? createSmsSender(config.twilio, config.twilioApiUrl),
        outcomeSettleMs: config.smsOutcomeSettleMs,
        statusCallbackUrl: config.publicUrl ? statusCallbackUrl(config.publicUrl) : undefined,
        metrics,
        paymentStatusSources: createPaymentStatusSources(config),
        paymentEnrichers: createPaymentEnrichers(config),
        recipients: config.recipients,
      }),
    },
  });
  const metricsServer = await startMetricsServer(config, metrics).catch(async (err: unknown) => {
    await connection.close();
    throw err;
  });
  const done = worker.run().finally(async () => {
    await metricsServer?.close();
    await connection.close();
  });
  return {
    worker,
    done,
    metricsUrl: metricsServer?.url,
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}

/** The worker's own instruments, plus the API's when both share a registry (`npm start`). */
async function startMetricsServer(config: Config, metrics: Metrics): Promise<MetricsServer | null> {
  if (config.workerMetricsPort === undefined) return null;
  return serveMetrics(metrics.registry, config.workerMetricsPort);
}

/** Operators see at start whether TriboPay's API has a say, and where it is asked (never the token). */
function reportStatusCheck(config: Config, logger: Logger): void {
  if (!config.tribopayApi) return;
  const { url, timeoutMs } = config.tribopayApi;
  logger.info(
    { url, timeoutMs },
    'TriboPay status check on: each TriboPay SMS is sent only if its API still reports the payment waiting',
  );
}

/**
 * What each step's message costs, rendered with sample values: one character outside GSM-7
 * doubles a Portuguese reminder's price (UCS-2, 70 per part), so operators see it at start.
 */
function reportSegments(templates: string[], gsm7: boolean, logger: Logger): void {
  templates.forEach((template, index) => {
    const sample = sampleMessage(template);
    const body = gsm7 ? toGsm7(sample) : sample;
    const { encoding, segments, firstNonGsm } = segmentCount(body);
    logger.info(
      { step: index + 1, encoding, segments, characters: body.length, firstNonGsm },
      `SMS template of step ${index + 1}: ${encoding}, ${segments} segment(s) with sample values`,
    );
  });
}

/** One validated template per step of the sequence, configured or built in. */
function stepTemplates(config: Config): string[] {
  return config.recovery.steps.map((_, index) => {
    const template =
      config.recovery.templates[index] ??
      (index === 0 ? DEFAULT_TEMPLATE : DEFAULT_FOLLOW_UP_TEMPLATE);
    validateTemplate(template);
    return template;
  });
}

/** The daily anonymisation of audit data older than DATA_RETENTION (see workflows/retention.ts). */
async function scheduleRetention(
  target: ReturnType<typeof temporalTarget>,
  codec: PayloadCodec,
  config: Config,
  logger: Logger,
): Promise<void> {
  const client = await connectClient(target, codec);
  try {
    const outcome = await ensureRetentionSchedule(client, {
      taskQueue: config.temporal.taskQueue,
      retentionMs: config.dataRetentionMs,
      claimWindowMs: config.recovery.frequencyWindowMs,
    });
    logger.info(
      { retention: formatDuration(config.dataRetentionMs), schedule: outcome },
      'data retention scheduled daily',
    );
  } catch (err) {
    logger.warn(
      { err: (err as Error).message },
      'could not create the data-retention schedule; audit data is not anonymised until it exists',
    );
  } finally {
    await client.connection.close();
  }
}

async function registerSearchAttributes(
  target: ReturnType<typeof temporalTarget>,
  codec: PayloadCodec,
  logger: Logger,
): Promise<void> {
  const client = await connectClient(target, codec);
  try {
    const added = await ensureSearchAttributes(client.connection, target.namespace);
    if (added.length > 0) logger.info({ added }, 'registered search attributes');
  } catch (err) {
    logger.warn(
      { err: (err as Error).message },
      'could not check search attributes; register RecoveryStatus, Gateway and PaymentId (Keyword) by hand',
    );
  } finally {
    await client.connection.close();
  }
}
