import type { Config } from '../config';
import { createDb, pingDb, type Db } from '../db/connect';
import { migrateLatest } from '../db/migrate';
import type { Logger } from '../logging';

/** Connects, checks the connection, and (for the embedded default) migrates. */
export async function openDatabase(
  config: Pick<Config, 'database'>,
  logger: Logger,
  options: { migrate: boolean },
): Promise<Db> {
  const db = createDb(config.database);
  try {
    await pingDb(db);
    if (options.migrate) {
      const applied = await migrateLatest(db);
      if (applied.length > 0) logger.info({ applied }, 'database migrated');
    }
    return db;
  } catch (err) {
    await db.destroy();
    throw new Error(`database (${config.database.client}) unavailable: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
