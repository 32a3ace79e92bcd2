/**
 * A recovery end to end on one machine, as the separate processes run it: the API (with
 * the status-callback route) listening on a real port with PUBLIC_URL pointing at it, a
 * worker with the real workflow and activities under Temporal's time-skipping server, and
 * the Twilio emulator posting signed status callbacks. API and worker keep metrics of
 * their own, as two processes would.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import pino from 'pino';
import { createActivities } from '../../activities';
import { statusCallbackUrl } from '../../src/sms-status/callback-url';
import type { HttpLimits } from '../../src/config';
import { createApp, type AppDeps } from '../../src/http/app';
import { createServer, reportDroppedConnections } from '../../src/runtime/api';
import { createMetrics, type Metrics } from '../../src/metrics/metrics';
import { createSmsSender } from '../../src/sms/sender';
import { DEFAULT_TEMPLATE } from '../../src/sms/template';
import { createOutboxRelay } from '../../src/intake/outbox-relay';
import { createRecoveryClient } from '../../src/temporal/recovery-client';
import { unbundledWorkflows } from '../../src/temporal/worker';
import { startTwilioEmulator, type TwilioEmulator } from '../../src/twilio-emulator';
import { recoveryWorkflowId, type RecoveryState } from '../../workflows/definitions';
import { pgTestDb, type TestDb } from '../helpers/db';
import { createTimeSkippingEnv, testDataConverter } from '../helpers/temporal';
import { MOBILE_E164, newPaymentId, tribopayPostback } from '../http/webhook-payloads';

export const DELAY_MS = 10 * 60_000;
export const WEBHOOK_SECRET = 'recovery-stack-webhook-secret';
const silent = pino({ level: 'silent' });

export interface RecoveryStack {
  env: TestWorkflowEnvironment;
  emulator: TwilioEmulator;
  testDb: TestDb;
  /** The API's base URL, which is also its PUBLIC_URL. */
  apiUrl: string;
  apiMetrics: Metrics;
  workerMetrics: Metrics;
  /** Posts a waiting PIX for a new payment and waits for its recovery to finish. */
  recover(phone?: string): Promise<{ paymentId: string; webhook: Response; final: RecoveryState }>;
  /**
   * Resolves once the webhooks answered so far are handed to Temporal: the API answers
   * before its relay hands a webhook off, so a test reads the recovery after this.
   */
  handedOff(): Promise<void>;
  close(): Promise<void>;
}

export interface RecoveryStackOptions {
  /** Settings of the API app beyond the stack's own (a logger, an API token, a policy). */
  app?: Partial<AppDeps>;
  /** The production server's limits (runtime/api's createServer); default Node's. */
  http?: HttpLimits;
}

export async function startRecoveryStack(
  taskQueue: string,
  options: RecoveryStackOptions = {},
): Promise<RecoveryStack> {
  const [env, emulator, testDb, listening] = await Promise.all([
    createTimeSkippingEnv(),
    startTwilioEmulator({ port: 0, statusCallbacks: true }),
    pgTestDb(),
    listen(options.http),
  ]);
  const { server, url: apiUrl } = listening;
  const apiMetrics = createMetrics({ audit: { db: testDb.db, cacheMs: 0 } });
  const workerMetrics = createMetrics();
  const recoveries = createRecoveryClient(env.client, {
    taskQueue,
    delayMs: DELAY_MS,
    attributionWindowMs: 24 * 3_600_000,
  });
  // The API answers before its relay hands the webhook to Temporal: `recover` waits for it.
  const relay = createOutboxRelay({ db: testDb.db, recoveries, logger: silent });
  const app = createApp({
    db: testDb.db,
    logger: silent,
    health: async () => ({
      ok: true,
      database: { ok: true },
      temporal: { ok: true },
      worker: { ok: true },
    }),
    recoveries,
    relay,
    metrics: apiMetrics,
    webhookSecret: WEBHOOK_SECRET,
    twilioCallbacks: { authToken: emulator.authToken, publicUrl: apiUrl },
    ...options.app,
  });
  const handle = app.callback();
  server.on('request', (req, res) => void handle(req, res));
  if (options.http)
    reportDroppedConnections(
      server,
      options.http.maxConnections,
      apiMetrics,
      options.app?.logger ?? silent,
    );
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    dataConverter: testDataConverter,
    ...unbundledWorkflows(),
    activities: createActivities({
      db: testDb.db,
      logger: silent,
      template: DEFAULT_TEMPLATE,
      sms: createSmsSender(
        { accountSid: emulator.accountSid, authToken: emulator.authToken, from: '+15005550006' },
        emulator.url,
      ),
      statusCallbackUrl: statusCallbackUrl(apiUrl),
      metrics: workerMetrics,
    }),
  });
  const running = worker.run();

  return {
    env,
    emulator,
    testDb,
    apiUrl,
    apiMetrics,
    workerMetrics,
    async recover(phone = MOBILE_E164) {
      const paymentId = newPaymentId('cb');
      const national = phone.replace(/^\+55/, '');
      const webhook = await fetch(`${apiUrl}/api/webhooks/tribopay/`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Webhook-Token': WEBHOOK_SECRET },
        body: JSON.stringify(tribopayPostback(paymentId, { phone: national })),
      });
      await relay.idle();
      const final = await env.client.workflow
        .getHandle<() => Promise<RecoveryState>>(recoveryWorkflowId('tribopay', paymentId))
        .result();
      return { paymentId, webhook, final };
    },
    handedOff: () => relay.idle(),
    async close() {
      worker.shutdown();
      await running;
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await relay.stop();
      await Promise.all([env.teardown(), emulator.close(), testDb.drop()]);
    },
  };
}

/** Bound before the app exists, so the app can be told its own public URL. */
async function listen(limits?: HttpLimits): Promise<{ server: http.Server; url: string }> {
  const server = limits ? createServer(limits) : http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
