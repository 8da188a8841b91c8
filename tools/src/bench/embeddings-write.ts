/**
 * Measures how fast a run's embeddings are written (writeRunEmbeddings: load, HNSW index
 * build, completion) against a plain COPY of the same rows into the same table, then the
 * recall@10 of the run's HNSW index against an exact search and the latency of neighbour
 * queries. Embeddings are synthetic but shaped like a trained encoder's: one Gaussian cluster
 * per class. Prints one JSON document on stdout; progress goes to stderr.
 *
 *   npx tsx tools/src/bench/embeddings-write.ts [--database pglite|postgresql] [--rows 60000] [--dim 64]
 *
 * --database postgresql creates and drops a scratch database on the server of DATABASE_URL
 * (or TEST_DATABASE_URL_PG). On PGlite the baseline COPY runs in-process through PGlite's
 * /dev/blob device, because its wire-protocol bridge does not support COPY FROM STDIN.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { mulberry32 } from '@dim/dataset';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { Command, InvalidArgumentError, Option } from 'commander';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import pino from 'pino';
import {
  applySearchSettings,
  createPool,
  findNeighbours,
  formatVector,
  migrateDatabase,
  MIGRATIONS_DIR,
  nearestQuerySql,
  readMigrations,
  registerDataset,
  startEmbeddedDatabase,
  writeRunEmbeddings,
  type NeighbourOrder,
  type NeighbourSearch,
} from '@dim/db';

const logger = pino({ name: 'bench-embeddings-write' }, pino.destination(2));

interface BenchOptions {
  database: 'pglite' | 'postgresql';
  rows: number;
  dim: number;
  recallQueries: number;
  latencyQueries: number;
}

interface Scratch {
  url: string;
  close(): Promise<void>;
}

function parsePositiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return parsed;
}


/** Generates one Gaussian cluster per class (10 classes), centres ~sqrt(dim) apart, spread 0.6 per coordinate. */
function clusteredEmbeddings(labels: Uint8Array, dim: number): Float32Array {
  const random = mulberry32(7);
  const gaussian = () => Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
  const centres = Array.from({ length: 10 }, () => Array.from({ length: dim }, gaussian));
  const vectors = new Float32Array(labels.length * dim);
  for (let row = 0; row < labels.length; row++) {
    for (let j = 0; j < dim; j++) vectors[row * dim + j] = centres[labels[row]][j] + 0.6 * gaussian();
  }
  return vectors;
}

function copyText(runId: number, imageIds: Int32Array, vectors: Float32Array, dim: number, start: number, end: number): string {
  let text = '';
  for (let row = start; row < end; row++) {
    text += `${runId}\t${imageIds[row]}\t${formatVector(vectors.subarray(row * dim, (row + 1) * dim))}\n`;
  }
  return text;
}

async function openScratch(kind: BenchOptions['database']): Promise<Scratch> {
  if (kind === 'pglite') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-embeddings-'));
    const embedded = await startEmbeddedDatabase({ dataDir: path.join(dir, 'pglite'), host: '127.0.0.1', port: 0 });
    return {
      url: embedded.url,
      async close() {
        await embedded.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }

  const serverUrl = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL_PG;
  if (!serverUrl) throw new Error('--database postgresql needs DATABASE_URL or TEST_DATABASE_URL_PG; start a server with tools/setup/start-postgres.sh');
  const name = `bench_embeddings_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
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

/** Times a plain COPY FROM STDIN of the rows into the embeddings table, under a second run. */
async function copyOnServer(pool: pg.Pool, datasetId: number, imageIds: Int32Array, vectors: Float32Array, dim: number): Promise<number> {
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO training_runs (dataset_id, status, config, preset, embedding_dim) VALUES ($1, 'embedding', '{}', 'bench', $2) RETURNING id`,
    [datasetId, dim],
  );
  const runId = rows[0].id;
  const client = await pool.connect();
  try {
    const start = performance.now();
    const chunks = function* () {
      for (let row = 0; row < imageIds.length; row += 1000) yield copyText(runId, imageIds, vectors, dim, row, Math.min(row + 1000, imageIds.length));
    };
    await pipeline(Readable.from(chunks()), client.query(copyFrom('COPY embeddings (run_id, image_id, embedding) FROM STDIN')));
    return performance.now() - start;
  } finally {
    client.release();
  }
}

/** Times COPY FROM '/dev/blob' into the same schema in an in-process PGlite database. */
async function copyInPglite(labels: Uint8Array, vectors: Float32Array, dim: number): Promise<number> {
  const db = await PGlite.create({ extensions: { vector } });
  try {
    for (const migration of await readMigrations(MIGRATIONS_DIR)) await db.exec(migration.sql);
    const count = labels.length;
    await db.query(`INSERT INTO datasets (id, name, class_names, height, width, channels) VALUES (1, 'bench', '{}', 1, 1, 1)`);
    await db.query(`INSERT INTO images (id, dataset_id, split, index_in_split, label, pixels)
                    SELECT n, 1, 'train', n - 1, 0, '\\x00'::bytea FROM generate_series(1, ${count}) AS n`);
    await db.query(`INSERT INTO training_runs (id, dataset_id, config, preset, embedding_dim) VALUES (1, 1, '{}', 'bench', ${dim})`);
    const imageIds = Int32Array.from({ length: count }, (_, i) => i + 1);

    const start = performance.now();
    const blob = new Blob([copyText(1, imageIds, vectors, dim, 0, count)]);
    await db.query(`COPY embeddings (run_id, image_id, embedding) FROM '/dev/blob'`, [], { blob });
    return performance.now() - start;
  } finally {
    await db.close();
  }
}

async function measureQueries(pool: pg.Pool, runId: number, imageIds: Int32Array, options: BenchOptions) {
  let hits = 0;
  for (let q = 0; q < options.recallQueries; q++) {
    const imageId = imageIds[(q * 7919) % imageIds.length];
    const exact = await findNeighbours(pool, { imageId, k: 10, runId, order: 'nearest', search: 'exact' });
    const indexed = await findNeighbours(pool, { imageId, k: 10, runId, order: 'nearest', search: 'index' });
    const expected = new Set(exact.neighbours.map((n) => n.imageId));
    hits += indexed.neighbours.filter((n) => expected.has(n.imageId)).length;
  }

  const latencies: Record<string, number> = {};
  const cases: [string, NeighbourOrder, NeighbourSearch, number][] = [
    ['nearestAutoK10', 'nearest', 'auto', 10],
    ['nearestIndexK10', 'nearest', 'index', 10],
    ['nearestIndexK100', 'nearest', 'index', 100],
    ['nearestExactK10', 'nearest', 'exact', 10],
    ['farthestK10', 'farthest', 'exact', 10],
  ];
  for (const [name, order, search, k] of cases) {
    const times: number[] = [];
    for (let q = 0; q < options.latencyQueries; q++) {
      const start = performance.now();
      await findNeighbours(pool, { imageId: imageIds[(q * 104729) % imageIds.length], k, runId, order, search });
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    latencies[name] = Number(times[Math.floor(times.length / 2)].toFixed(2));
  }

  // Which plan the planner picks on its own (search 'auto') at this run size.
  const client = await pool.connect();
  let autoPlanUsesIndex: boolean;
  try {
    await client.query('BEGIN');
    await applySearchSettings(client, 'auto', 10);
    const probe = await client.query<{ embedding: string }>('SELECT embedding::text AS embedding FROM embeddings WHERE run_id = $1 LIMIT 1', [runId]);
    const plan = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${nearestQuerySql(runId, options.dim, false)}`, [probe.rows[0].embedding, imageIds[0], 10]);
    await client.query('ROLLBACK');
    autoPlanUsesIndex = plan.rows.some((row) => row['QUERY PLAN'].includes(`embeddings_run_${runId}_hnsw`));
  } finally {
    client.release();
  }

  return { recallAt10: hits / (options.recallQueries * 10), medianLatencyMs: latencies, autoPlanUsesIndex };
}

async function main(options: BenchOptions): Promise<void> {
  const labels = Uint8Array.from({ length: options.rows }, (_, i) => i % 10);
  const vectors = clusteredEmbeddings(labels, options.dim);
  const scratch = await openScratch(options.database);
  const pool = createPool(scratch.url, 4);
  try {
    await migrateDatabase(scratch.url);
    // 1x1x1 images: the benchmark is about embeddings, and pixels would only slow the set-up.
    const dataset = await registerDataset(pool, {
      name: 'bench',
      split: 'train',
      height: 1,
      width: 1,
      channels: 1,
      pixels: new Uint8Array(options.rows),
      labels,
      classNames: Array.from({ length: 10 }, (_, i) => `class${i}`),
      count: options.rows,
    });
    const { rows } = await pool.query<{ id: number }>(
      `INSERT INTO training_runs (dataset_id, status, config, preset, embedding_dim) VALUES ($1, 'embedding', '{}', 'bench', $2) RETURNING id`,
      [dataset.datasetId, options.dim],
    );
    const runId = rows[0].id;

    logger.info({ rows: options.rows, dim: options.dim, database: options.database }, 'writing embeddings');
    const writeStart = performance.now();
    const written = await writeRunEmbeddings(pool, runId, dataset.imageIds, vectors, options.dim);
    const writeMs = performance.now() - writeStart;

    logger.info('copying the same rows with a plain COPY');
    const copyMs =
      options.database === 'postgresql'
        ? await copyOnServer(pool, dataset.datasetId, dataset.imageIds, vectors, options.dim)
        : await copyInPglite(labels, vectors, options.dim);

    logger.info({ recallQueries: options.recallQueries }, 'measuring recall and latency');
    const queries = await measureQueries(pool, runId, dataset.imageIds, options);

    const version = (await pool.query<{ version: string; vector: string }>(
      `SELECT version(), (SELECT extversion FROM pg_extension WHERE extname = 'vector') AS vector`,
    )).rows[0];
    const perSecond = (ms: number) => Math.round(options.rows / (ms / 1000));
    const result = {
      database: options.database,
      server: version.version.split(',')[0],
      pgvector: version.vector,
      rows: options.rows,
      dim: options.dim,
      write: {
        method: written.method,
        loadMs: written.loadMs,
        indexMs: written.indexMs,
        totalMs: Math.round(writeMs),
        loadRowsPerSecond: perSecond(written.loadMs),
        totalRowsPerSecond: perSecond(writeMs),
      },
      plainCopy: {
        where: options.database === 'postgresql' ? 'COPY FROM STDIN on the same server' : "COPY FROM '/dev/blob' in an in-process PGlite",
        ms: Math.round(copyMs),
        rowsPerSecond: perSecond(copyMs),
      },
      queries,
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version },
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await pool.end();
    await scratch.close();
  }
}

const program = new Command()
  .description('Benchmark bulk embedding writes, HNSW recall@10 and neighbour query latency')
  .addOption(new Option('--database <kind>', 'database to measure').choices(['pglite', 'postgresql']).default('pglite'))
  .option('--rows <count>', 'embeddings to write (CIFAR-10 has 60000 images)', parsePositiveInteger, 60_000)
  .option('--dim <count>', 'embedding dimension', parsePositiveInteger, 64)
  .option('--recall-queries <count>', 'query images for recall@10', parsePositiveInteger, 200)
  .option('--latency-queries <count>', 'queries per latency case', parsePositiveInteger, 20)
  .parse();

main(program.opts<BenchOptions>()).catch((error: unknown) => {
  logger.error({ err: error }, 'benchmark failed');
  process.exitCode = 1;
});
