import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';

import { PrismaClient } from '../generated/client/client';
import { logger } from './logger';

export { PrismaClient };

/** What the query helpers accept: a pg pool, or a Prisma client made by createPrismaClient. */
export type Database = pg.Pool | PrismaClient;

/**
 * Default connections a process opens. The embedded server accepts 100 connections across
 * all processes (see embedded/server.ts), so the API, the trainer and a few scripts fit.
 */
export const DEFAULT_POOL_MAX = 10;

const poolsByClient = new WeakMap<object, pg.Pool>();

/** Creates a pg pool; DATABASE_POOL_MAX overrides the connection count. */
export function createPool(url: string, max = poolMaxFromEnv()): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle client's error (server restart, dropped socket) would otherwise crash the process.
  pool.on('error', (error) => logger.error({ err: error }, 'idle database connection failed'));
  return pool;
}

/**
 * Creates a Prisma client over its own pg pool through @prisma/adapter-pg, so no query engine
 * binary is needed. The pool is also used by findNeighbours, writeRunEmbeddings and the other
 * raw-SQL helpers when they are given this client. Call `$disconnect()` to close it.
 */
export function createPrismaClient(url: string, options: { poolMax?: number } = {}): PrismaClient {
  const pool = createPool(url, options.poolMax);
  const client = new PrismaClient({ adapter: new PrismaPg(pool) });
  poolsByClient.set(client, pool);
  return client;
}

/** Returns the pg pool behind `db`. */
export function poolOf(db: Database): pg.Pool {
  if (db instanceof pg.Pool) return db;
  const pool = poolsByClient.get(db);
  if (!pool) {
    throw new TypeError('this Prisma client was not created by createPrismaClient; create it with createPrismaClient(url) or pass a pg.Pool');
  }
  return pool;
}

/** Runs `work` in one transaction on one connection, rolling back when it throws. */
export async function withTransaction<T>(db: Database, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await poolOf(db).connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      logger.error({ err: rollbackError }, 'rollback failed');
    });
    throw error;
  } finally {
    client.release();
  }
}

function poolMaxFromEnv(): number {
  const value = process.env.DATABASE_POOL_MAX;
  if (value === undefined || value.trim() === '') return DEFAULT_POOL_MAX;
  const max = Number(value);
  if (!Number.isInteger(max) || max < 1) {
    throw new Error(`DATABASE_POOL_MAX must be a positive integer, got "${value}"`);
  }
  return max;
}
