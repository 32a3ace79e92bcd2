/** `npm run migrate [-- --down]`: applies (or rolls back) every migration, then exits. */
import { loadConfigOrExit } from '../config';
import { createDb } from '../db/connect';
import { migrateLatest, migrateRollbackAll } from '../db/migrate';

async function run(): Promise<void> {
  const config = loadConfigOrExit();
  const db = createDb(config.database);
  try {
    const down = process.argv.includes('--down');
    const names = down ? await migrateRollbackAll(db) : await migrateLatest(db);
    const verb = down ? 'rolled back' : 'applied';
    console.log(
      names.length ? `${verb}: ${names.join(', ')}` : `nothing to ${down ? 'roll back' : 'apply'}`,
    );
  } finally {
    await db.destroy();
  }
}

run().catch((err) => {
  console.error(`migration failed: ${(err as Error).message}`);
  process.exit(1);
});
