import { createPrismaClient, DEFAULT_POOL_MAX, poolOf, type PrismaClient } from '@dim/db';
import type { Logger } from 'pino';

/**
 * Opens the API's Prisma client, with a single connection on the embedded PGlite server.
 * PGlite executes one statement at a time, so more connections add no throughput. Its
 * wire-protocol bridge (@electric-sql/pglite-socket 0.2.17) also interleaves the
 * extended-protocol messages of concurrent connections outside transactions, which fails
 * parameterized queries with "bind message supplies N parameters".
 */
export async function openDatabase(url: string, logger: Logger): Promise<PrismaClient> {
  const probe = createPrismaClient(url, { poolMax: 1 });
  let isPglite: boolean;
  try {
    const [row] = await probe.$queryRaw<{ version: string }[]>`SELECT version()`;
    isPglite = row.version.includes('PGlite');
  } catch (error) {
    await closeDatabase(probe);
    throw error;
  }
  if (isPglite) {
    logger.info('database is PGlite; the API uses one connection');
    return probe;
  }
  await closeDatabase(probe);
  return createPrismaClient(url, { poolMax: DEFAULT_POOL_MAX });
}

/** Disconnects Prisma and ends the pg pool under it, which $disconnect leaves open. */
export async function closeDatabase(db: PrismaClient): Promise<void> {
  await db.$disconnect();
  await poolOf(db).end();
}
