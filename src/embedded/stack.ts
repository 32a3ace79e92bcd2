import path from 'node:path';
import type { Config } from '../config';
import type { Db } from '../db/connect';
import type { Logger } from '../logging';
import { startApi, type RunningApi } from '../runtime/api';
import { openDatabase } from '../runtime/database';
import { startWorker, type RunningWorker } from '../runtime/worker';
import { DEV_ACCOUNT_SID, DEV_AUTH_TOKEN, MESSAGING_SERVICE_FROM, startTwilioEmulator, type TwilioEmulator } from '../twilio-emulator';
import { stopStaleProcess, waitForExit, writePidFile } from './pid-file';
import { startDevServer, type DevServer } from './temporal-dev-server';

export interface StackOptions {
  /** Use this Temporal server instead of starting one (TEMPORAL_ADDRESS was set). */
  externalTemporal: boolean;
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
export async function startStack(base: Config, logger: Logger, options: StackOptions): Promise<RunningStack> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((err) => logger.error({ err }, 'stop failed'));
  };
  try {
    const devServer = options.externalTemporal ? null : await startTemporal(base);
    if (devServer) stops.push(() => devServer.stop());
    const emulator = base.twilio || base.twilioApiUrl ? null : await startTwilioEmulator({ port: options.emulatorPort });
    if (emulator) stops.push(() => emulator.close());
    const config = withEmbeddedParts(base, devServer, emulator);
    const db: Db = await openDatabase(config, logger, { migrate: true });
    stops.push(() => db.destroy());
    const worker: RunningWorker = await startWorker(config, db, logger);
    stops.push(() => worker.shutdown());
    const api = await startApi(config, db, logger);
    stops.push(() => api.close());
    return { config, api, devServer, emulator, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

async function startTemporal(config: Config): Promise<DevServer> {
  const pidFile = path.join(config.dataDir, 'temporal.pid');
  const dbFile = path.join(config.dataDir, 'temporal.sqlite');
  if (stopStaleProcess(pidFile, dbFile)) await new Promise((resolve) => setTimeout(resolve, 1_000));
  const [host, port] = splitAddress(config.temporal.address);
  const server = await startDevServer({
    dbFile,
    ip: host,
    port,
    uiPort: config.temporal.uiPort,
    namespace: config.temporal.namespace,
    logFile: path.join(config.dataDir, 'temporal.log'),
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

function withEmbeddedParts(config: Config, devServer: DevServer | null, emulator: TwilioEmulator | null): Config {
  return {
    ...config,
    temporal: devServer ? { ...config.temporal, address: devServer.address } : config.temporal,
    ...(emulator
      ? { twilio: { accountSid: DEV_ACCOUNT_SID, authToken: DEV_AUTH_TOKEN, from: MESSAGING_SERVICE_FROM }, twilioApiUrl: emulator.url }
      : {}),
  };
}

function splitAddress(address: string): [string, number] {
  const match = /^(.*):(\d+)$/.exec(address);
  if (!match) throw new Error(`TEMPORAL_ADDRESS "${address}" is not host:port`);
  const host = match[1] === 'localhost' ? '127.0.0.1' : match[1];
  return [host, Number(match[2])];
}
