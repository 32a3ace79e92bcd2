/** `npm run start:worker`: the Temporal worker alone (workflows and SMS activities). */
import { loadConfigOrExit } from '../config';
import { createLogger } from '../logging';
import { assertPayloadKeys } from '../temporal/encryption';
import { installTemporalRuntime } from '../temporal/runtime';
import { openDatabase } from '../runtime/database';
import { startWorker } from '../runtime/worker';
import { exitIfCacheDoesNotFit } from '../runtime/worker-heap';
import { onShutdownSignal } from './signals';

async function run(): Promise<void> {
  const config = loadConfigOrExit();
  exitIfCacheDoesNotFit(config);
  assertPayloadKeys(config);
  const logger = createLogger(config.logLevel, { name: 'worker' });
  installTemporalRuntime(logger, config.temporal.metricsAddress);
  const db = await openDatabase(config, logger, { migrate: false });
  const worker = await startWorker(config, db, logger);
  logger.info({ taskQueue: config.temporal.taskQueue }, 'worker polling');
  onShutdownSignal(async () => {
    logger.info('stopping worker');
    await worker.shutdown();
    await db.destroy();
  });
  await worker.done;
}

run().catch((err) => {
  console.error(`worker failed: ${(err as Error).message}`);
  process.exit(1);
});
