/**
 * A diagnostic reference for the intake: the service's own HTTP app (routing, body
 * parsing, gateway schema, phone normalisation, the PostgreSQL rows, logging, metrics),
 * configured from the same environment as the real API, with the one Temporal call
 * replaced by a no-op that reports the webhook handed off. What it takes per second is
 * what the API could take if Temporal cost nothing. Run by the bench on BENCH_PORT, with
 * the service's modules from BENCH_SERVICE_DIST (the build being measured).
 */
import http from 'node:http';
import path from 'node:path';
import type { RecoveryClient } from '../../src/temporal/recovery-client';
import { recoveryWorkflowId } from '../../workflows/definitions';

/** The build under test (`--service-dist`), so before/after compare the same code paths. */
const serviceDist = process.env.BENCH_SERVICE_DIST ?? path.resolve(__dirname, '../..');

function fromService<T>(module: string): Promise<T> {
  return import(path.join(serviceDist, module)) as Promise<T>;
}

const noTemporal: RecoveryClient = {
  signal: async (gateway, paymentId) => ({
    signalled: true,
    workflowId: recoveryWorkflowId(gateway, paymentId),
  }),
  state: async () => null,
  execution: async () => null,
  closedByHand: async () => ({ terminated: 0, cancelled: 0, timed_out: 0 }),
  listClosedByHand: async () => [],
};

async function run(): Promise<void> {
  const { loadConfigOrExit } = await fromService<typeof import('../../src/config')>('src/config');
  const { createApp } = await fromService<typeof import('../../src/http/app')>('src/http/app');
  const { createLogger } = await fromService<typeof import('../../src/logging')>('src/logging');
  const { openDatabase } =
    await fromService<typeof import('../../src/runtime/database')>('src/runtime/database');
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel, { name: 'api' });
  const db = await openDatabase(config, logger, { migrate: false });
  const app = createApp({
    db,
    logger,
    webhookSecret: config.webhookSecret,
    webhookAuthOff: !config.webhookAuth,
    recipients: config.recipients,
    health: async () => ({
      ok: true,
      database: { ok: true },
      temporal: { ok: true },
      worker: { ok: true },
    }),
    recoveries: noTemporal,
  });
  const handle = app.callback();
  const server = http.createServer((req, res) => void handle(req, res));
  server.keepAliveTimeout = 65_000;
  server.listen(Number(process.env.BENCH_PORT), '127.0.0.1', () => {
    logger.info('API without Temporal listening');
  });
  process.once('SIGTERM', () => {
    server.close(() => void db.destroy().finally(() => process.exit(0)));
    server.closeAllConnections();
  });
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
