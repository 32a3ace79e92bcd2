import type { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { Config } from '../config';
import type { Db } from '../db/connect';
import type { Logger } from '../logging';
import { createSmsSender, type SmsSender } from '../sms/sender';
import { DEFAULT_TEMPLATE, validateTemplate } from '../sms/template';
import { connectClient, connectWorker } from '../temporal/clients';
import { temporalTarget } from '../temporal/connect';
import { ensureSearchAttributes } from '../temporal/search-attributes';
import { createWorker } from '../temporal/worker';

export interface RunningWorker {
  worker: Worker;
  /** Resolves when the worker has stopped (after `shutdown`), rejects if it crashed. */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

export async function startWorker(config: Config, db: Db, logger: Logger, sms?: SmsSender): Promise<RunningWorker> {
  const template = config.smsTemplate ?? DEFAULT_TEMPLATE;
  validateTemplate(template);
  if (!config.twilio) logger.warn('Twilio is not configured: recovery SMS will fail with "TwilioNotConfigured"');
  const target = temporalTarget(config);
  await registerSearchAttributes(target, logger);
  const connection = await connectWorker(target);
  const worker = await createWorker({
    connection,
    namespace: target.namespace,
    taskQueue: config.temporal.taskQueue,
    activities: createActivities({
      db,
      logger,
      template,
      sms: sms ?? createSmsSender(config.twilio, config.twilioApiUrl),
      statusCallbackUrl: config.publicUrl ? new URL('/api/webhooks/twilio/status/', config.publicUrl).toString() : undefined,
    }),
  });
  const done = worker.run().finally(() => connection.close());
  return {
    worker,
    done,
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}

async function registerSearchAttributes(target: ReturnType<typeof temporalTarget>, logger: Logger): Promise<void> {
  const client = await connectClient(target);
  try {
    const added = await ensureSearchAttributes(client.connection, target.namespace);
    if (added.length > 0) logger.info({ added }, 'registered search attributes');
  } catch (err) {
    logger.warn({ err: (err as Error).message }, 'could not check search attributes; register RecoveryStatus, Gateway and PaymentId (Keyword) by hand');
  } finally {
    await client.connection.close();
  }
}
