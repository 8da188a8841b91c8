import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import pg from 'pg';

import { createPool, createPrismaClient, type PrismaClient } from '../../src/client';
import { startEmbeddedDatabase } from '../../src/embedded/server';
import { migrateDatabase } from '../../src/migrate';

export type DatabaseKind = 'pglite' | 'postgresql';

/** Both database kinds; every persistence test runs once per kind. */
export const DATABASE_KINDS: DatabaseKind[] = ['pglite', 'postgresql'];

export interface TestDatabase {
  kind: DatabaseKind;
  url: string;
  pool: pg.Pool;
  prisma: PrismaClient;
  close(): Promise<void>;
}

/**
 * Opens an empty database of the given kind: a PGlite server on a fresh folder, or a fresh
 * database on the server of TEST_DATABASE_URL_PG (dropped again by close).
 */
export async function openEmptyDatabase(kind: DatabaseKind): Promise<{ url: string; close(): Promise<void> }> {
  if (kind === 'pglite') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dim-db-test-pglite-'));
    const embedded = await startEmbeddedDatabase({ dataDir: path.join(dir, 'pglite'), host: '127.0.0.1', port: 0 });
    return {
      url: embedded.url,
      async close() {
        await embedded.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }

  const serverUrl = process.env.TEST_DATABASE_URL_PG;
  if (!serverUrl) {
    throw new Error('TEST_DATABASE_URL_PG is unset; run the tests through jest so test/support/global-setup.ts starts a server, or set it');
  }
  const name = `dim_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async close() {
      const dropper = new pg.Client({ connectionString: serverUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  };
}

/** Opens an empty database, migrates it and connects a pool and a Prisma client. */
export async function openTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  const empty = await openEmptyDatabase(kind);
  await migrateDatabase(empty.url);
  const pool = createPool(empty.url, 4);
  const prisma = createPrismaClient(empty.url, { poolMax: 2 });
  return {
    kind,
    url: empty.url,
    pool,
    prisma,
    async close() {
      await prisma.$disconnect();
      await pool.end();
      await empty.close();
    },
  };
}
