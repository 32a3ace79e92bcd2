import type { TestWorkflowEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../activities';
import type { Db } from '../../src/db/connect';
import {
  createRecoveryClient,
  type RecoveryClient,
  type RecoverySettings,
} from '../../src/temporal/recovery-client';
import { createSmsSender, type SmsSender } from '../../src/sms/sender';
import { unbundledWorkflows } from '../../src/temporal/worker';
import { DEFAULT_TEMPLATE } from '../../src/sms/template';
import { startTwilioEmulator, type TwilioEmulator } from '../../src/twilio-emulator';
import { startCancelRaceRelay } from './cancel-race-relay';
import type { TestDb } from './db';
import { createTimeSkippingEnv, testDataConverter } from './temporal';

export type Activities = ReturnType<typeof createActivities>;

export const SENDER_NUMBER = '+15005550006';

/** What a test may give the activities for the gateway APIs: status check and enrichment. */
export type StatusCheckDeps = Partial<
  Pick<
    ActivityDeps,
    'paymentStatusSources' | 'paymentEnrichers' | 'recipients' | 'logger' | 'metrics'
  >
>;
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
  /** Gateway APIs asked before sending, and where their warnings go (default: nowhere). */
  statusCheck?: StatusCheckDeps;
  /** A pre-built bundle, so tests that create many workers bundle the workflow code once. */
  workflowBundle?: WorkflowBundleWithSourceMap;
  /** Workflow interceptor modules, for tests that break a workflow task on purpose. */
  workflowInterceptorModules?: string[];
  /** Lets a test stand between the workflow and the real activities (e.g. to hold one). */
  wrapActivities?: (activities: Activities) => Activities;
  /** 0: every workflow task replays the whole history, as after a worker lost its cache. */
  maxCachedWorkflows?: number;
}): Promise<Worker> {
  const { emulator } = options;
  const activities = createActivities({
    db: options.db,
    template: DEFAULT_TEMPLATE,
    ...options.rules,
    ...options.statusCheck,
    logger: options.statusCheck?.logger ?? silentLogger,
    sms: emulatorSender(emulator),
  });
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue,
    dataConverter: testDataConverter,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : unbundledWorkflows()),
    ...(options.workflowInterceptorModules
      ? { interceptors: { workflowModules: options.workflowInterceptorModules } }
      : {}),
    activities: options.wrapActivities ? options.wrapActivities(activities) : activities,
    ...(options.maxCachedWorkflows === undefined
      ? {}
      : { maxCachedWorkflows: options.maxCachedWorkflows }),
  });
}

/** The real SMS sender (official twilio client) pointed at the emulator. */
export function emulatorSender(emulator: TwilioEmulator): SmsSender {
  return createSmsSender(
    { accountSid: emulator.accountSid, authToken: emulator.authToken, from: SENDER_NUMBER },
    emulator.url,
  );
}

/** The recovery settings of the fixture's clients unless a test gives others. */
export const FIXTURE_SETTINGS = { delayMs: 10 * 60_000, attributionWindowMs: 24 * 3_600_000 };

export interface RecoveryFixture {
  env: TestWorkflowEnvironment;
  testDb: TestDb;
  emulator: TwilioEmulator;
  /** A client whose recoveries run on the fixture's worker: FIXTURE_SETTINGS, or these. */
  recoveries(settings?: Partial<Omit<RecoverySettings, 'taskQueue'>>): RecoveryClient;
  stop(): Promise<void>;
}

/**
 * What most workflow and API tests stand on: a time-skipping Temporal server, a fresh
 * database, the Twilio emulator, and a worker running the real workflow on `taskQueue`.
 */
export async function startRecoveryFixture(options: {
  taskQueue: string;
  database: () => Promise<TestDb>;
  statusCheck?: StatusCheckDeps;
  /**
   * The worker talks to the server through test/helpers/cancel-race-relay.ts, for tests
   * whose statuses may cancel an activity while it finishes (timing left to chance).
   */
  cancelRaceRelay?: boolean;
}): Promise<RecoveryFixture> {
  const [env, testDb, emulator] = await Promise.all([
    createTimeSkippingEnv(),
    options.database(),
    startTwilioEmulator({ port: 0 }),
  ]);
  const relay = options.cancelRaceRelay
    ? await startCancelRaceRelay({
        target: env.address,
        client: env.client,
        namespace: env.namespace ?? 'default',
      })
    : null;
  const connection = relay
    ? await NativeConnection.connect({ address: relay.address })
    : env.nativeConnection;
  const worker = await createRecoveryWorker({
    connection,
    taskQueue: options.taskQueue,
    db: testDb.db,
    emulator,
    statusCheck: options.statusCheck,
  });
  const running = worker.run();
  return {
    env,
    testDb,
    emulator,
    recoveries: (settings = {}) =>
      createRecoveryClient(env.client, {
        taskQueue: options.taskQueue,
        ...FIXTURE_SETTINGS,
        ...settings,
      }),
    async stop() {
      worker.shutdown();
      await running;
      if (relay) {
        await connection.close();
        await relay.close();
      }
      await Promise.all([env.teardown(), emulator.close(), testDb.drop()]);
    },
  };
}
