import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { createPrismaClient, migrateDatabase, startEmbeddedDatabase, type PrismaClient } from '@dim/db';
import pg from 'pg';

import { closeDatabase } from '../../src/worker/worker';

/** A migrated, empty database for one test file. */
export interface TestDatabase {
  readonly kind: 'pglite' | 'postgresql';
  readonly url: string;
  readonly db: PrismaClient;
  stop(): Promise<void>;
}

/**
 * The databases the worker tests run against: always the embedded PGlite server, and a
 * PostgreSQL server when TEST_DATABASE_URL_PG is set.
 */
export const TEST_DATABASE_KINDS: readonly TestDatabase['kind'][] = process.env.TEST_DATABASE_URL_PG
  ? ['pglite', 'postgresql']
  : ['pglite'];

export async function startTestDatabase(kind: TestDatabase['kind']): Promise<TestDatabase> {
  return kind === 'pglite' ? startPglite() : startPostgres(process.env.TEST_DATABASE_URL_PG!);
}

async function startPglite(): Promise<TestDatabase> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dim-worker-test-'));
  const server = await startEmbeddedDatabase({ dataDir: path.join(dir, 'pgdata'), port: 0 });
  await migrateDatabase(server.url);
  const db = createPrismaClient(server.url);
  return {
    kind: 'pglite',
    url: server.url,
    db,
    async stop() {
      await closeDatabase(db);
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Creates a fresh database on the server of `adminUrl` and drops it afterwards, so the
 * tests neither see nor disturb the data of other users of that server.
 */
async function startPostgres(adminUrl: string): Promise<TestDatabase> {
  const name = `dim_worker_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }

  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await migrateDatabase(url.toString());
  const db = createPrismaClient(url.toString());
  return {
    kind: 'postgresql',
    url: url.toString(),
    db,
    async stop() {
      await closeDatabase(db);
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      try {
        await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}
