/** `npm run start:api`: the HTTP API alone, against an existing database and Temporal server. */
import { loadConfigOrExit } from '../config';
import { createLogger } from '../logging';
import { assertPayloadKeys } from '../temporal/encryption';
import { logWebhookIntake, startApi, warnIfWebhooksOpen, webhookAuthProblem } from '../runtime/api';
import { openDatabase } from '../runtime/database';
import { warnIfEnrichmentUnconfigured } from '../runtime/gateway-warnings';
import { onShutdownSignal } from './signals';

async function run(): Promise<void> {
  const config = loadConfigOrExit();
  const refusal = webhookAuthProblem(config);
  if (refusal) {
    process.stderr.write(`${refusal}\n`);
    process.exit(2);
  }
  assertPayloadKeys(config);
  const logger = createLogger(config.logLevel, { name: 'api' });
  warnIfWebhooksOpen(config, logger);
  logWebhookIntake(config, logger);
  warnIfEnrichmentUnconfigured(config, logger);
  const db = await openDatabase(config, logger, { migrate: false });
  const api = await startApi(config, db, logger);
  logger.info({ url: api.url }, 'API listening');
  onShutdownSignal(async () => {
    logger.info('stopping API');
    await api.close();
    await db.destroy();
  });
}

run().catch((err) => {
  console.error(`API failed to start: ${(err as Error).message}`);
  process.exit(1);
});
