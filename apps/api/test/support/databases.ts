import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { createPrismaClient, poolOf, startEmbeddedDatabase, type PrismaClient } from '@dim/db';

export type DatabaseKind = 'pglite' | 'postgresql';

/** The embedded PGlite server always; PostgreSQL too when TEST_DATABASE_URL_PG names a server. */
export const DATABASE_KINDS: DatabaseKind[] = process.env.TEST_DATABASE_URL_PG ? ['pglite', 'postgresql'] : ['pglite'];

export interface EmptyDatabase {
  url: string;
  close(): Promise<void>;
}

/**
 * Opens an empty, unmigrated database: an embedded PGlite server on a fresh folder, or a
 * fresh database on the TEST_DATABASE_URL_PG server (dropped again by close).
 */
export async function openEmptyDatabase(kind: DatabaseKind): Promise<EmptyDatabase> {
  if (kind === 'pglite') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dim-api-test-'));
    const embedded = await startEmbeddedDatabase({ dataDir: path.join(dir, 'pglite'), host: '127.0.0.1', port: 0 });
    return {
      url: embedded.url,
      async close() {
        await embedded.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }

  const serverUrl = process.env.TEST_DATABASE_URL_PG as string;
  const name = `dim_api_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  await runAdminQuery(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    close: () => runAdminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function runAdminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = createPrismaClient(serverUrl, { poolMax: 1 });
  try {
    await client.$executeRawUnsafe(sql);
  } finally {
    await disconnect(client);
  }
}

/** Disconnects a client made by createPrismaClient and ends its pg pool, which $disconnect leaves open. */
export async function disconnect(client: PrismaClient): Promise<void> {
  await client.$disconnect();
  await poolOf(client).end();
}
