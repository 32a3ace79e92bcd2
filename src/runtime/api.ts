import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { Db } from '../db/connect';
import { createHealthCheck } from '../health';
import { createApp } from '../http/app';
import type { Logger } from '../logging';
import { connectClient } from '../temporal/clients';
import { temporalTarget } from '../temporal/connect';
import { createRecoveryClient } from '../temporal/recovery-client';

export interface RunningApi {
  url: string;
  client: Client;
  close(): Promise<void>;
}

export async function startApi(config: Config, db: Db, logger: Logger, host = '0.0.0.0'): Promise<RunningApi> {
  const client = await connectClient(temporalTarget(config));
  const app = createApp({
    db,
    logger,
    webhookSecret: config.webhookSecret,
    health: createHealthCheck(db, client, config.temporal.taskQueue),
    recoveries: createRecoveryClient(client, {
      taskQueue: config.temporal.taskQueue,
      delayMs: config.recoveryDelayMs,
      attributionWindowMs: config.attributionWindowMs,
    }),
  });
  const handle = app.callback();
  const server = http.createServer((req, res) => void handle(req, res));
  server.keepAliveTimeout = 65_000; // longer than common proxies' idle timeouts
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    client,
    async close() {
      // Stop accepting, let in-flight deliveries finish, then drop idle keep-alive sockets.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await closed;
      await client.connection.close();
    },
  };
}
