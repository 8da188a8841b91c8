import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

import { withTransaction, type Database } from '../client';
import { DimensionMismatchError, InvalidInputError, NotFoundError } from '../errors';
import { logger } from '../logger';
import { readRun } from '../runs';
import { isPglite } from '../server-kind';
import { runIndexName } from './index-name';
import { validateEmbeddings } from './validate';
import { formatVector } from './vector-text';

export type WriteMethod = 'copy' | 'insert';

export interface WriteEmbeddingsOptions {
  /** Binary COPY FROM STDIN (default on PostgreSQL) or batched INSERT ... SELECT FROM unnest (PGlite). */
  method?: WriteMethod;
}

export interface WriteEmbeddingsResult {
  runId: number;
  count: number;
  indexName: string;
  method: WriteMethod;
  /** Time spent loading rows and building the index, in milliseconds. */
  loadMs: number;
  indexMs: number;
}

/**
 * HNSW build parameters. On 60,000 clustered 64-dimensional vectors, pgvector's default
 * ef_construction of 64 capped recall@10 near 0.98 whatever ef_search was, while 128 reached
 * 0.996 at ef_search = 100 and 1.0 at 400, for about 1.5 times the build time.
 */
const HNSW_M = 16;
const HNSW_EF_CONSTRUCTION = 128;

/** Bounds of the maintenance_work_mem that an index build requests, in MiB. */
const MIN_INDEX_BUILD_MIB = 256;
const MAX_INDEX_BUILD_MIB = 4096;

/**
 * Memory for an in-memory HNSW build of `rowCount` vectors: each element contains its vector,
 * up to 2·m layer-0 neighbours (about 16 bytes each) and some bookkeeping, plus a quarter for
 * upper layers and allocator slack. 1,000,000 vectors of 64 dimensions ask for about 1.0 GiB.
 */
export function indexBuildMemoryMiB(rowCount: number, dim: number): number {
  const bytesPerElement = dim * 4 + 2 * HNSW_M * 16 + 128;
  const mib = Math.ceil((rowCount * bytesPerElement * 1.25) / 2 ** 20);
  return Math.min(MAX_INDEX_BUILD_MIB, Math.max(MIN_INDEX_BUILD_MIB, mib));
}

/** Rows per buffer written to the COPY stream, so its per-write overhead stays negligible. */
const COPY_CHUNK_ROWS = 1_000;

/** Rows per INSERT on PGlite: large enough to amortise a round trip, small enough for its WASM heap. */
const INSERT_BATCH_ROWS = 5_000;

/** Advisory lock key that serialises embedding writes ("DIMW" in ASCII). */
const EMBEDDING_WRITE_LOCK = 0x44494d57;

/**
 * Writes all embeddings of a run, builds the run's HNSW index and marks the run completed,
 * in one transaction. Queries read completed runs only, so readers see either none of the
 * run's embeddings or all of them with their index. Rewriting a run that is not completed
 * yet (a worker retrying after a crash) replaces its rows.
 *
 * `vectors` contains `imageIds.length * dim` float32 values, row i at offset i * dim. Invalid
 * vectors (NaN, infinite, all zero, wrong length) raise an error naming the image, and nothing
 * is stored.
 */
export async function writeRunEmbeddings(
  db: Database,
  runId: number,
  imageIds: ArrayLike<number>,
  vectors: Float32Array,
  dim: number,
  options: WriteEmbeddingsOptions = {},
): Promise<WriteEmbeddingsResult> {
  validateEmbeddings(imageIds, vectors, dim);

  return withTransaction(db, async (client) => {
    // One run's write at a time: each transaction inserts rows (ROW EXCLUSIVE on embeddings)
    // and then builds an index (SHARE), so two concurrent writes deadlock on PostgreSQL.
    await client.query('SELECT pg_advisory_xact_lock($1)', [EMBEDDING_WRITE_LOCK]);
    const run = await readRun(client, runId, { forUpdate: true });
    if (!run) throw new NotFoundError(`Training run ${runId} not found.`);
    if (run.status === 'completed') {
      throw new InvalidInputError(`Training run ${runId} is already completed with ${run.embeddingCount} embeddings; start a new run to write new ones.`);
    }
    // A failed or cancelled run must not turn into a completed one behind the user's back.
    if (run.status !== 'running' && run.status !== 'embedding') {
      throw new InvalidInputError(`Training run ${runId} is ${run.status}; embeddings can be written only while it is running or embedding.`);
    }
    if (run.embeddingDim !== dim) {
      throw new DimensionMismatchError(`Training run ${runId} has embedding dimension ${run.embeddingDim}, but the vectors have ${dim}.`);
    }
    await checkImagesBelongToDataset(client, run.datasetId, imageIds);

    const method = options.method ?? ((await isPglite(client)) ? 'insert' : 'copy');
    const loadStart = Date.now();
    await client.query('DELETE FROM embeddings WHERE run_id = $1', [runId]);
    if (method === 'copy') await copyRows(client, runId, imageIds, vectors, dim);
    else await insertRows(client, runId, imageIds, vectors, dim);
    const loadMs = Date.now() - loadStart;

    const indexStart = Date.now();
    const indexName = await buildRunIndex(client, runId, dim, imageIds.length);
    const indexMs = Date.now() - indexStart;

    await client.query(
      `UPDATE training_runs SET status = 'completed', embedding_count = $2, finished_at = COALESCE(finished_at, now()) WHERE id = $1`,
      [runId, imageIds.length],
    );
    logger.info({ runId, count: imageIds.length, dim, method, loadMs, indexMs }, 'run embeddings written and indexed');
    return { runId, count: imageIds.length, indexName, method, loadMs, indexMs };
  });
}

/**
 * Builds the partial HNSW index of one run on `embedding::vector(dim)`: pgvector indexes only
 * columns of fixed dimension, and the column is untyped so runs of different sizes coexist.
 * Queries must repeat the cast and the literal run id to use it (see neighbours.ts).
 */
export async function buildRunIndex(client: pg.ClientBase, runId: number, dim: number, rowCount: number): Promise<string> {
  const indexName = runIndexName(runId);
  // The graph build is much faster while it fits in maintenance_work_mem: past it pgvector
  // warns and inserts the remaining rows one by one into the on-disk graph.
  await client.query(`SET LOCAL maintenance_work_mem = '${indexBuildMemoryMiB(rowCount, dim)}MB'`);
  await client.query(`DROP INDEX IF EXISTS ${indexName}`);
  await client.query(
    `CREATE INDEX ${indexName} ON embeddings USING hnsw ((embedding::vector(${dim})) vector_l2_ops)
       WITH (m = ${HNSW_M}, ef_construction = ${HNSW_EF_CONSTRUCTION}) WHERE run_id = ${runId}`,
  );
  // Fresh statistics let the planner see the run's rows at once.
  await client.query('ANALYZE embeddings');
  return indexName;
}

/**
 * Checks that every image id is an image of the run's data set. It counts matches with
 * `id = ANY(...)`, whose plans (a primary-key scan or a hashed filter) stay linear whatever
 * the statistics show. An anti-join with unnest() was planned as a nested loop over a
 * sequential scan when the statistics predated a large registration, and ran for minutes.
 * The ids are unique (validateEmbeddings checks it), so a count below theirs means a miss.
 */
async function checkImagesBelongToDataset(client: pg.ClientBase, datasetId: number, imageIds: ArrayLike<number>): Promise<void> {
  const ids = Array.from(imageIds);
  const { rows } = await client.query<{ found: number }>(
    'SELECT count(*)::int AS found FROM images WHERE dataset_id = $2 AND id = ANY($1::int[])',
    [ids, datasetId],
  );
  if (rows[0].found === ids.length) return;

  // Only the failure path reads the ids back, to name the first missing one.
  const present = await client.query<{ id: number }>('SELECT id FROM images WHERE dataset_id = $2 AND id = ANY($1::int[])', [ids, datasetId]);
  const presentIds = new Set(present.rows.map((row) => row.id));
  const missing = ids.find((id) => !presentIds.has(id));
  throw new NotFoundError(`Image ${missing} not found in data set ${datasetId} of this run; register the data set's images first.`);
}

/** Signature, flags and header-extension length that open every binary COPY stream. */
const COPY_BINARY_HEADER = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);

/**
 * Streams the rows in COPY's binary format. pgvector's binary form of a vector is an int16
 * dimension, an int16 zero and the float4 values, all big-endian. The float32 values go over
 * unchanged, so no text formatting or parsing runs on either side.
 */
async function copyRows(client: pg.ClientBase, runId: number, imageIds: ArrayLike<number>, vectors: Float32Array, dim: number): Promise<void> {
  const rowBytes = 2 + (4 + 4) + (4 + 4) + (4 + 4 + 4 * dim);
  const chunks = function* () {
    yield COPY_BINARY_HEADER;
    for (let start = 0; start < imageIds.length; start += COPY_CHUNK_ROWS) {
      const end = Math.min(start + COPY_CHUNK_ROWS, imageIds.length);
      const chunk = Buffer.allocUnsafe((end - start) * rowBytes);
      let offset = 0;
      for (let row = start; row < end; row++) {
        offset = chunk.writeInt16BE(3, offset);
        offset = chunk.writeInt32BE(4, offset);
        offset = chunk.writeInt32BE(runId, offset);
        offset = chunk.writeInt32BE(4, offset);
        offset = chunk.writeInt32BE(imageIds[row], offset);
        offset = chunk.writeInt32BE(4 + 4 * dim, offset);
        offset = chunk.writeInt16BE(dim, offset);
        offset = chunk.writeInt16BE(0, offset);
        for (let j = row * dim; j < (row + 1) * dim; j++) offset = chunk.writeFloatBE(vectors[j], offset);
      }
      yield chunk;
    }
    // The trailer: a field count of -1.
    yield Buffer.from([0xff, 0xff]);
  };
  const stream = client.query(copyFrom('COPY embeddings (run_id, image_id, embedding) FROM STDIN (FORMAT binary)'));
  await pipeline(Readable.from(chunks()), stream);
}

async function insertRows(client: pg.ClientBase, runId: number, imageIds: ArrayLike<number>, vectors: Float32Array, dim: number): Promise<void> {
  for (let start = 0; start < imageIds.length; start += INSERT_BATCH_ROWS) {
    const end = Math.min(start + INSERT_BATCH_ROWS, imageIds.length);
    const ids: number[] = [];
    const texts: string[] = [];
    for (let row = start; row < end; row++) {
      ids.push(imageIds[row]);
      texts.push(formatVector(vectors.subarray(row * dim, (row + 1) * dim)));
    }
    await client.query(
      `INSERT INTO embeddings (run_id, image_id, embedding)
       SELECT $1, image_id, embedding::vector FROM unnest($2::int[], $3::text[]) AS batch(image_id, embedding)`,
      [runId, ids, texts],
    );
  }
}
