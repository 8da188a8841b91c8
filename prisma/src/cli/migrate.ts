// Applies pending migrations to DATABASE_URL, or to the embedded database when it is unset.
// Usage: npm run migrate -w @dim/db
import { resolveDatabase } from '../database-url';
import { logger } from '../logger';
import { migrateDatabase } from '../migrate';

async function main(): Promise<void> {
  const database = await resolveDatabase();
  try {
    const result = await migrateDatabase(database.url);
    logger.info({ applied: result.applied, alreadyApplied: result.alreadyApplied.length }, 'migrations up to date');
  } finally {
    await database.stop?.();
  }
}

main().catch((error: unknown) => {
  logger.error({ err: error }, 'migration failed');
  process.exitCode = 1;
});
