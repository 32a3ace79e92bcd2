import pino from 'pino';
import {
  Worker,
  type NativeConnection,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../activities';
import type { Db } from '../../src/db/connect';
import { createSmsSender } from '../../src/sms/sender';
import { DEFAULT_TEMPLATE } from '../../src/sms/template';
import type { TwilioEmulator } from '../../src/twilio-emulator';

export const SENDER_NUMBER = '+15005550006';
export const silentLogger = pino({ level: 'silent' });

/** A worker running the real workflow code and real activities against `db` and the emulator. */
export function createRecoveryWorker(options: {
  connection: NativeConnection;
  namespace?: string;
  taskQueue: string;
  db: Db;
  emulator: TwilioEmulator;
  /** Recovery rules beyond the defaults (frequency cap, follow-up templates, GSM-7). */
  rules?: Pick<ActivityDeps, 'followUpTemplates' | 'frequencyCap' | 'gsm7'>;
  /** A pre-built bundle, so tests that create many workers bundle the workflow code once. */
  workflowBundle?: WorkflowBundleWithSourceMap;
}): Promise<Worker> {
  const { emulator } = options;
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue,
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath: require.resolve('../../workflows') }),
    activities: createActivities({
      db: options.db,
      logger: silentLogger,
      template: DEFAULT_TEMPLATE,
      ...options.rules,
      sms: createSmsSender(
        { accountSid: emulator.accountSid, authToken: emulator.authToken, from: SENDER_NUMBER },
        emulator.url,
      ),
    }),
  });
}
