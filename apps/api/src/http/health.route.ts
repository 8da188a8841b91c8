import type { ServerResponse } from 'node:http';

import type { PrismaClient } from '@dim/db';
import type { Logger } from 'pino';

import { sendJson } from './responses';

/** A check slower than this counts as failed, so a hung database gives a quick 503. */
const CHECK_TIMEOUT_MS = 3000;

export interface HealthReport {
  status: 'ok' | 'unavailable';
  database: 'ok' | 'unreachable';
  /** Migrations of this build that the database has not applied; null when unknown. */
  pendingMigrations: string[] | null;
}

/**
 * Checks that the database executes SELECT 1 and has applied every migration of this build.
 * `migrationNames` are the names of the migration folders, read once at start. Failures are
 * logged here, and the report carries no error text, so it reveals nothing about the database.
 */
export async function checkHealth(
  db: PrismaClient,
  migrationNames: readonly string[],
  logger: Logger,
): Promise<HealthReport> {
  try {
    await withTimeout(db.$queryRaw`SELECT 1`, CHECK_TIMEOUT_MS);
  } catch (error) {
    logger.error({ err: error }, 'health check failed: database unreachable');
    return { status: 'unavailable', database: 'unreachable', pendingMigrations: null };
  }

  let applied: { migration_name: string }[];
  try {
    applied = await withTimeout(
      db.$queryRaw<{ migration_name: string }[]>`
        SELECT migration_name FROM _prisma_migrations
         WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
      CHECK_TIMEOUT_MS,
    );
  } catch (error) {
    // A database that was never migrated has no _prisma_migrations table.
    logger.error({ err: error }, 'health check failed: cannot read the applied migrations');
    return { status: 'unavailable', database: 'ok', pendingMigrations: [...migrationNames] };
  }

  const appliedNames = new Set(applied.map((row) => row.migration_name));
  const pendingMigrations = migrationNames.filter((name) => !appliedNames.has(name));
  if (pendingMigrations.length > 0) {
    logger.error({ pendingMigrations }, 'health check failed: migrations not applied');
  }
  return { status: pendingMigrations.length === 0 ? 'ok' : 'unavailable', database: 'ok', pendingMigrations };
}

export function sendHealth(res: ServerResponse, report: HealthReport): void {
  res.setHeader('Cache-Control', 'no-store');
  sendJson(res, report.status === 'ok' ? 200 : 503, report);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
