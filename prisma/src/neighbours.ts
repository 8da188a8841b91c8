import type pg from 'pg';

import { withTransaction, type Database } from './client';
import { DimensionMismatchError, InvalidInputError, NotFoundError, RunNotReadyError } from './errors';
import { readRun, selectLatestCompletedRun, type RunSummary } from './runs';
import { parseVector } from './embeddings/vector-text';

/** Smallest and largest number of neighbours one query returns. */
export const MIN_K = 1;
export const MAX_K = 1000;

/**
 * Smallest hnsw.ef_search of a nearest query; the value used is max(400, k + 50), capped at
 * pgvector's limit of 1000. With m = 16 and ef_construction = 128 this measured recall@10 of
 * 0.99 or more on clustered synthetic embeddings (test/neighbours.test.ts and the benchmark).
 */
const BASE_EF_SEARCH = 400;

export type NeighbourOrder = 'nearest' | 'farthest';
export type NeighbourSearch = 'auto' | 'index' | 'exact';

export interface NeighboursRequest {
  imageId: number;
  /** Number of neighbours, 1 to 1000. */
  k: number;
  /** Run whose embeddings to search; default: the latest completed run of the image's data set. */
  runId?: number;
  order: NeighbourOrder;
  /**
   * How nearest neighbours are searched (farthest is always an exact scan):
   * - 'auto' (default): the planner picks the run's HNSW index or an exact scan by cost.
   *   It chose the exact scan at 3,000 rows and the index at 60,000 in our tests.
   * - 'index': the HNSW index is used whenever the planner can use it (approximate).
   * - 'exact': every embedding of the run is compared.
   */
  search?: NeighbourSearch;
  /** Search a run that is not completed yet (for the worker's own checks); default false. */
  allowIncompleteRun?: boolean;
}

export interface Neighbour {
  imageId: number;
  label: number;
  /** L2 (Euclidean) distance to the query embedding. */
  distance: number;
}

export interface NeighboursResult {
  run: RunSummary;
  query: { imageId: number; label: number; datasetId: number };
  neighbours: Neighbour[];
}

interface ImageRow {
  id: number;
  label: number;
  dataset_id: number;
}

/**
 * Returns the k images whose embeddings are nearest to (or farthest from) the embedding of
 * `imageId` under one run, by L2 distance. The query image is never among its own results,
 * and equal distances are ordered by image id, so the result is deterministic.
 *
 * Nearest uses the run's HNSW index (approximate; recall@10 measured at 0.99 or more) or an
 * exact scan, see `search`. Farthest cannot use it, because pgvector indexes return ascending distance
 * only, so it scans all the run's embeddings: linear in the run's size.
 */
export async function findNeighbours(db: Database, request: NeighboursRequest): Promise<NeighboursResult> {
  validateRequest(request);

  return withTransaction(db, async (client) => {
    const image = await readImage(client, request.imageId);
    const run = await resolveRun(client, request, image);
    const queryVector = await readEmbedding(client, run, image.id);

    const neighbours =
      request.order === 'nearest'
        ? await queryNearest(client, run, image.id, queryVector, request.k, request.search ?? 'auto')
        : await queryFarthest(client, run, image.id, queryVector, request.k);
    return { run, query: { imageId: image.id, label: image.label, datasetId: image.dataset_id }, neighbours };
  });
}

function validateRequest(request: NeighboursRequest): void {
  const { k, imageId, runId, order } = request;
  if (!Number.isInteger(k) || k < MIN_K || k > MAX_K) {
    throw new InvalidInputError(`k must be an integer from ${MIN_K} to ${MAX_K}, got ${k}.`);
  }
  if (!Number.isInteger(imageId) || imageId < 1) {
    throw new InvalidInputError(`imageId must be a positive integer, got ${imageId}.`);
  }
  if (runId !== undefined && (!Number.isInteger(runId) || runId < 1)) {
    throw new InvalidInputError(`runId must be a positive integer, got ${runId}.`);
  }
  if (request.search !== undefined && !['auto', 'index', 'exact'].includes(request.search)) {
    throw new InvalidInputError(`search must be "auto", "index" or "exact", got "${String(request.search)}".`);
  }
  if (order !== 'nearest' && order !== 'farthest') {
    throw new InvalidInputError(`order must be "nearest" or "farthest", got "${String(order)}".`);
  }
}

async function readImage(client: pg.ClientBase, imageId: number): Promise<ImageRow> {
  const { rows } = await client.query<ImageRow>('SELECT id, label, dataset_id FROM images WHERE id = $1', [imageId]);
  if (rows.length === 0) throw new NotFoundError(`Image ${imageId} not found.`);
  return rows[0];
}

async function resolveRun(client: pg.ClientBase, request: NeighboursRequest, image: ImageRow): Promise<RunSummary> {
  if (request.runId === undefined) {
    const run = await selectLatestCompletedRun(client, image.dataset_id);
    if (!run) throw new NotFoundError(`No completed training run for data set ${image.dataset_id} of image ${image.id}; train one first.`);
    return run;
  }

  const run = await readRun(client, request.runId);
  if (!run) throw new NotFoundError(`Training run ${request.runId} not found.`);
  if (run.status !== 'completed' && !request.allowIncompleteRun) {
    throw new RunNotReadyError(`Training run ${run.id} is ${run.status}; its embeddings become searchable when it is completed.`);
  }
  if (run.datasetId !== image.dataset_id) {
    throw new InvalidInputError(`Image ${image.id} belongs to data set ${image.dataset_id} but run ${run.id} was trained on data set ${run.datasetId}.`);
  }
  return run;
}

async function readEmbedding(client: pg.ClientBase, run: RunSummary, imageId: number): Promise<string> {
  // Read as text: the node-postgres driver has no parser for the vector type.
  const { rows } = await client.query<{ embedding: string }>(
    'SELECT embedding::text AS embedding FROM embeddings WHERE run_id = $1 AND image_id = $2',
    [run.id, imageId],
  );
  if (rows.length === 0) throw new NotFoundError(`Image ${imageId} has no embedding in training run ${run.id}.`);
  const dim = parseVector(rows[0].embedding).length;
  if (dim !== run.embeddingDim) {
    throw new DimensionMismatchError(`Embedding of image ${imageId} in run ${run.id} has ${dim} dimensions, but the run declares ${run.embeddingDim}.`);
  }
  return rows[0].embedding;
}

/**
 * Extra candidates the index query fetches beyond k, so that rows tied with the k-th distance
 * can be ordered by image id. The index returns candidates in distance order only.
 */
const TIE_CANDIDATES = 50;

/**
 * SQL of the nearest query; $1 is the query vector, $2 the query image id, $3 k. The run id
 * and dimension are integers read from the database and are written as literals, because the
 * planner matches the partial index only when the query repeats its predicate
 * (run_id = <literal>) and its expression (embedding::vector(<dim>)).
 */
export function nearestQuerySql(runId: number, dim: number, exact: boolean): string {
  if (exact) {
    return `SELECT image_id, embedding <-> $1::vector AS distance
              FROM embeddings
             WHERE run_id = ${runId} AND image_id <> $2
             ORDER BY embedding <-> $1::vector, image_id
             LIMIT $3`;
  }
  // The inner query orders by distance alone so an index scan can serve it. A second sort key
  // would make the planner sort the whole run instead.
  // NOTE: when more than TIE_CANDIDATES rows tie with the k-th distance, the index's order
  // rather than the image id decides which of them are returned.
  const distance = `embedding::vector(${dim}) <-> $1::vector(${dim})`;
  return `SELECT image_id, distance FROM (
            SELECT image_id, ${distance} AS distance
              FROM embeddings
             WHERE run_id = ${runId} AND image_id <> $2
             ORDER BY ${distance}
             LIMIT $3::int + ${TIE_CANDIDATES}
          ) AS candidates
          ORDER BY distance, image_id
          LIMIT $3`;
}

async function queryNearest(client: pg.ClientBase, run: RunSummary, imageId: number, queryVector: string, k: number, search: NeighbourSearch): Promise<Neighbour[]> {
  await applySearchSettings(client, search, k);
  return selectNeighbours(client, nearestQuerySql(run.id, run.embeddingDim, search === 'exact'), [queryVector, imageId, k], search === 'index');
}

/** Sets the planner and pgvector settings of one nearest query, local to the current transaction. */
export async function applySearchSettings(client: pg.ClientBase, search: NeighbourSearch, k: number): Promise<void> {
  if (search === 'exact') return;
  // An HNSW scan stops after ef_search candidates. Iterative scans (pgvector 0.8) continue
  // when the image_id filter removed some, so k up to 1000 comes back in full.
  await client.query(`SET LOCAL hnsw.ef_search = ${Math.min(Math.max(BASE_EF_SEARCH, k + TIE_CANDIDATES), 1000)}`);
  await client.query(`SET LOCAL hnsw.iterative_scan = strict_order`);
  if (search === 'index') {
    // pgvector's cost estimate grows with ef_search, so on small runs even an index scan of
    // the primary key plus a full sort looks cheaper. These switches make every plan other
    // than the HNSW scan far costlier; the outer sort by (distance, image_id) stays.
    await client.query('SET LOCAL enable_seqscan = off');
    await client.query('SET LOCAL enable_bitmapscan = off');
    await client.query('SET LOCAL enable_sort = off');
  }
}

async function queryFarthest(client: pg.ClientBase, run: RunSummary, imageId: number, queryVector: string, k: number): Promise<Neighbour[]> {
  // Sorting on the negated distance gives descending order, and the top-k sort keeps only k
  // rows in memory; no index can serve this order.
  return selectNeighbours(
    client,
    `SELECT image_id, embedding <-> $1::vector AS distance
       FROM embeddings
      WHERE run_id = ${run.id} AND image_id <> $2
      ORDER BY -(embedding <-> $1::vector), image_id
      LIMIT $3`,
    [queryVector, imageId, k],
  );
}

/**
 * Runs the ranking query, then reads the labels of its k rows in a second statement, after
 * restoring the planner switches of search 'index' so they cannot turn the label lookup into
 * a scan of all images.
 */
async function selectNeighbours(client: pg.ClientBase, rankedSql: string, params: unknown[], restorePlanner = false): Promise<Neighbour[]> {
  const ranked = await client.query<{ image_id: number; distance: number }>(rankedSql, params);
  if (restorePlanner) {
    await client.query('SET LOCAL enable_seqscan = on');
    await client.query('SET LOCAL enable_bitmapscan = on');
    await client.query('SET LOCAL enable_sort = on');
  }

  const imageIds = ranked.rows.map((row) => row.image_id);
  const labels = await client.query<{ id: number; label: number }>('SELECT id, label FROM images WHERE id = ANY($1::int[])', [imageIds]);
  const labelById = new Map(labels.rows.map((row) => [row.id, row.label]));
  return ranked.rows.map((row) => ({ imageId: row.image_id, label: labelById.get(row.image_id)!, distance: row.distance }));
}
