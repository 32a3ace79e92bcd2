import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { Config } from '../config';
import type { Db } from '../db/connect';
import type { Logger } from '../logging';
import { createMetrics } from '../metrics/metrics';
import { startApi, type RunningApi } from '../runtime/api';
import { openDatabase } from '../runtime/database';
import { startWorker, type RunningWorker } from '../runtime/worker';
import {
  DEV_ACCOUNT_SID,
  MESSAGING_SERVICE_FROM,
  startTwilioEmulator,
  type TwilioEmulator,
} from '../twilio-emulator';
import { stopStaleProcess, waitForExit, writePidFile } from './pid-file';
import { removeRunFile, writeRunFile } from './run-file';
import { startDevServer, type DevServer } from './temporal-dev-server';

export interface StackOptions {
  emulatorPort: number;
}

export interface RunningStack {
  config: Config;
  api: RunningApi;
  devServer: DevServer | null;
  emulator: TwilioEmulator | null;
  stop(): Promise<void>;
}

/**
 * Everything `npm start` runs: a Temporal dev server persisting under `data/` (unless one
 * is given), the SQLite audit database, the worker and the API in this process, and a
 * local Twilio emulator when no Twilio credentials are set. Stops in reverse order.
 */
export async function startStack(
  base: Config,
  logger: Logger,
  options: StackOptions,
): Promise<RunningStack> {
  const leftover = stopStaleProcess(
    path.join(base.dataDir, 'temporal.pid'),
    path.join(base.dataDir, 'temporal.sqlite'),
  );
  if (leftover !== null) {
    logger.warn({ pid: leftover }, 'stopping a Temporal dev server left running by an earlier run');
    await waitForExit(leftover, 10_000);
  }
  // The dev server's Web UI sends no credentials: it gets a per-run secret codec path.
  const codecSession = randomBytes(24).toString('hex');
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse())
      await stop().catch((err) => logger.error({ err }, 'stop failed'));
  };
  try {
    const devServer = (await temporalAnswers(base.temporal.address))
      ? null
      : await startTemporal(base, codecSession);
    if (devServer) stops.push(() => devServer.stop());
    // Its status reports reach the API when PUBLIC_URL points at it, as Twilio's would.
    const emulator =
      base.twilio || base.twilioApiUrl
        ? null
        : await startTwilioEmulator({ port: options.emulatorPort, statusCallbacks: true });
    if (emulator) {
      stops.push(() => emulator.close());
      // So `npx pix-recovery test-sms` beside this stack sends through the same emulator.
      writeRunFile(base.dataDir, {
        pid: process.pid,
        twilioEmulator: {
          url: emulator.url,
          accountSid: DEV_ACCOUNT_SID,
          authToken: emulator.authToken,
          from: MESSAGING_SERVICE_FROM,
        },
      });
      stops.push(async () => removeRunFile(base.dataDir));
    }
    const config = withEmbeddedParts(base, devServer, emulator);
    const db: Db = await openDatabase(config, logger, { migrate: true });
    stops.push(() => db.destroy());
    // One registry for both: the API's /metrics shows the worker's instruments too.
    const metrics = createMetrics({ audit: { db, logger }, process: true });
    const worker: RunningWorker = await startWorker(config, db, logger, undefined, metrics);
    stops.push(() => worker.shutdown());
    // Loopback only: this is one operator's machine, with emulator endpoints that have no auth.
    const api = await startApi(
      config,
      db,
      logger,
      '127.0.0.1',
      metrics,
      devServer ? { session: codecSession, url: devServer.uiUrl } : undefined,
    );
    stops.push(() => api.close());
    return { config, api, devServer, emulator, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/**
 * A server already answering at TEMPORAL_ADDRESS is used as it is; otherwise, on a loopback
 * address, the dev server is started there. A dev server we left running after a crash
 * (its pid file names our database) is stopped first rather than mistaken for a user's.
 */
async function temporalAnswers(address: string): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: '2s' });
    await connection.workflowService.getSystemInfo({});
    await connection.close();
    return true;
  } catch {
    return false;
  }
}

async function startTemporal(config: Config, codecSession: string): Promise<DevServer> {
  const [host, port] = splitAddress(config.temporal.address);
  if (!LOOPBACK.has(host)) {
    throw new Error(
      `no Temporal server answers at ${config.temporal.address}, and a dev server can only be started on this machine`,
    );
  }
  const dbFile = path.join(config.dataDir, 'temporal.sqlite');
  const pidFile = path.join(config.dataDir, 'temporal.pid');
  const server = await startDevServer({
    dbFile,
    ip: host,
    port,
    uiPort: config.temporal.uiPort,
    namespace: config.temporal.namespace,
    logFile: path.join(config.dataDir, 'temporal.log'),
    codecEndpoint: `http://127.0.0.1:${config.port}/codec/session/${codecSession}`,
  });
  writePidFile(pidFile, server.pid);
  return {
    ...server,
    async stop() {
      await server.stop();
      await waitForExit(server.pid, 10_000);
    },
  };
}

function withEmbeddedParts(
  config: Config,
  devServer: DevServer | null,
  emulator: TwilioEmulator | null,
): Config {
  return {
    ...config,
    temporal: devServer ? { ...config.temporal, address: devServer.address } : config.temporal,
    ...(emulator
      ? {
          twilio: {
            accountSid: DEV_ACCOUNT_SID,
            // The emulator's own token, random per run; signatures are checked with it.
            authToken: emulator.authToken,
            from: MESSAGING_SERVICE_FROM,
          },
          twilioApiUrl: emulator.url,
        }
      : {}),
  };
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '[::1]']);

function splitAddress(address: string): [string, number] {
  const match = /^(.*):(\d+)$/.exec(address);
  if (!match) throw new Error(`TEMPORAL_ADDRESS "${address}" is not host:port`);
  const host = match[1] === 'localhost' ? '127.0.0.1' : match[1];
  return [host, Number(match[2])];
}
