import { createHash, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

import pg from 'pg';

import { logger } from './logger';

/** Folder of the Prisma migrations, one sub-folder with a migration.sql per migration. */
export const MIGRATIONS_DIR = path.resolve(__dirname, '../migrations');

/** Advisory lock key that `prisma migrate` itself takes, so the two exclude each other. */
const PRISMA_MIGRATE_LOCK_KEY = 72707369;

// Same table as Prisma's schema engine creates, so `prisma migrate status` reads our records.
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface Migration {
  name: string;
  sql: string;
  /** SHA-256 of migration.sql in hex, the checksum Prisma records. */
  checksum: string;
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

/** Reads prisma/migrations in name order (names start with a timestamp). */
export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  const names = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await fs.readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

/**
 * Applies the pending migrations of prisma/migrations and records them in _prisma_migrations
 * the way `prisma migrate deploy` does, without Prisma's schema engine (so it runs offline).
 *
 * Everything runs in one transaction under a transaction-level advisory lock: concurrent
 * callers wait and then find nothing to do, and a failing migration leaves no trace. A
 * session-level lock would not exclude anything on the embedded server, where all
 * connections share PGlite's single session.
 */
export async function migrateDatabase(url: string, options: { migrationsDir?: string } = {}): Promise<MigrationResult> {
  const migrations = await readMigrations(options.migrationsDir);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [PRISMA_MIGRATE_LOCK_KEY]);
    await client.query(CREATE_MIGRATIONS_TABLE);
    const result = await applyPending(client, migrations);
    await client.query('COMMIT');
    if (result.applied.length > 0) logger.info({ applied: result.applied }, 'database migrated');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

async function applyPending(client: pg.Client, migrations: Migration[]): Promise<MigrationResult> {
  const { rows } = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
    `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
  );
  const failed = rows.find((row) => row.finished_at === null);
  if (failed) {
    throw new Error(
      `Migration ${failed.migration_name} was started but never finished (recorded by another tool); ` +
        `fix the database, then run "prisma migrate resolve --applied ${failed.migration_name}" or delete its row from _prisma_migrations.`,
    );
  }

  const applied = new Map(rows.map((row) => [row.migration_name, row.checksum]));
  const result: MigrationResult = { applied: [], alreadyApplied: [] };
  for (const migration of migrations) {
    const recordedChecksum = applied.get(migration.name);
    if (recordedChecksum !== undefined) {
      if (recordedChecksum !== migration.checksum) {
        // Prisma also only warns here: the file was edited after it ran.
        logger.warn({ migration: migration.name }, 'migration.sql changed after it was applied; the database keeps the old version');
      }
      result.alreadyApplied.push(migration.name);
      continue;
    }

    const id = randomUUID();
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())`,
      [id, migration.checksum, migration.name],
    );
    try {
      await client.query(migration.sql);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`migration ${migration.name} failed: ${reason}`, { cause: error });
    }
    await client.query(
      `UPDATE "_prisma_migrations" SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1`,
      [id],
    );
    result.applied.push(migration.name);
  }
  return result;
}
