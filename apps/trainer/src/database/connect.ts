import { createPrismaClient, migrateDatabase, resolveDatabase, type PrismaClient } from '@dim/db';

import type { Logger } from '../logger';
import { closeDatabase } from '../worker/worker';

/** A migrated database connection of one CLI command; `close` also stops an embedded server it started. */
export interface OpenDatabase {
  readonly url: string;
  readonly db: PrismaClient;
  close(): Promise<void>;
}

/** Socket and DNS error codes that mean no server accepted a connection at the URL. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN']);

/**
 * Opens the database of a CLI command the way `trainer worker` does: --database-url, else
 * DATABASE_URL, else the embedded PGlite server (started here, or reused when another process
 * serves it). Migrations run first; they are idempotent and serialised by an advisory lock.
 */
export async function openDatabase(databaseUrl: string | undefined, logger: Logger): Promise<OpenDatabase> {
  const resolved = databaseUrl ? { url: databaseUrl, stop: undefined } : await resolveDatabase();
  try {
    await migrateDatabase(resolved.url);
  } catch (error) {
    await resolved.stop?.();
    throw describeConnectionError(resolved.url, error);
  }
  logger.debug({ database: redactUrl(resolved.url) }, 'Connected to the database');

  const db = createPrismaClient(resolved.url);
  return {
    url: resolved.url,
    db,
    async close() {
      await closeDatabase(db);
      await resolved.stop?.();
    },
  };
}

/** Replaces the password of a connection string, so that errors and logs never show it. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(invalid URL)';
  }
}

function describeConnectionError(url: string, error: unknown): Error {
  const code = (error as { code?: string }).code;
  if (code !== undefined && UNREACHABLE_CODES.has(code)) {
    return new Error(
      `Database unreachable at ${redactUrl(url)} (${code}: ${(error as Error).message}). ` +
        'Start the server or pass a reachable PostgreSQL URL with --database-url or DATABASE_URL; unset both to use the embedded database.',
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}
