import type pg from 'pg';

import type { RunStatus } from '../generated/client/enums';
import { poolOf, type Database } from './client';

/** The columns of a training run that embedding reads and writes depend on. */
export interface RunSummary {
  id: number;
  datasetId: number;
  status: RunStatus;
  embeddingDim: number;
  embeddingCount: number;
  createdAt: Date;
  finishedAt: Date | null;
}

const RUN_COLUMNS = `id, dataset_id, status::text AS status, embedding_dim, embedding_count, created_at, finished_at`;

interface RunRow {
  id: number;
  dataset_id: number;
  status: RunStatus;
  embedding_dim: number;
  embedding_count: number;
  created_at: Date;
  finished_at: Date | null;
}

/**
 * Returns the completed run that finished last, of one data set or of any, or null when no run
 * has completed. Queries default to this run.
 */
export function latestCompletedRun(db: Database, datasetId?: number): Promise<RunSummary | null> {
  return selectLatestCompletedRun(poolOf(db), datasetId);
}

/** latestCompletedRun on a given connection, e.g. inside a transaction. */
export async function selectLatestCompletedRun(client: pg.ClientBase | pg.Pool, datasetId?: number): Promise<RunSummary | null> {
  const { rows } = await client.query<RunRow>(
    `SELECT ${RUN_COLUMNS} FROM training_runs
      WHERE status = 'completed' AND ($1::int IS NULL OR dataset_id = $1)
      ORDER BY finished_at DESC NULLS LAST, id DESC
      LIMIT 1`,
    [datasetId ?? null],
  );
  return rows.length > 0 ? toRunSummary(rows[0]) : null;
}

/** Reads one run, optionally locking its row (`FOR UPDATE`) inside the caller's transaction. */
export async function readRun(client: pg.ClientBase | pg.Pool, runId: number, options: { forUpdate?: boolean } = {}): Promise<RunSummary | null> {
  const lock = options.forUpdate ? ' FOR UPDATE' : '';
  const { rows } = await client.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM training_runs WHERE id = $1${lock}`, [runId]);
  return rows.length > 0 ? toRunSummary(rows[0]) : null;
}

function toRunSummary(row: RunRow): RunSummary {
  return {
    id: row.id,
    datasetId: row.dataset_id,
    status: row.status,
    embeddingDim: row.embedding_dim,
    embeddingCount: row.embedding_count,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}
