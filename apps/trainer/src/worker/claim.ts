import type { PrismaClient } from '@dim/db';

/** A run this worker has just moved from queued to running. */
export interface ClaimedRun {
  readonly id: number;
  readonly datasetId: number;
  /** The configuration JSON as startTraining stored it; validated again before training. */
  readonly config: unknown;
  readonly checkpointDir: string | null;
  readonly startedAt: Date;
}

interface ClaimedRunRow {
  id: number;
  dataset_id: number;
  config: unknown;
  checkpoint_dir: string | null;
  started_at: Date;
}

/**
 * Claims the oldest queued run for `workerId`, or returns null when none is queued.
 *
 * The whole claim is one statement, so it needs no explicit transaction. `FOR UPDATE SKIP
 * LOCKED` makes concurrent claimers on PostgreSQL skip a row another claimer has locked
 * instead of waiting for it. If that claimer commits first, PostgreSQL re-checks
 * `status = 'queued'` on the new row version and drops it, so two workers never both get
 * one run. The outer `status = 'queued'` repeats the condition as a guard. `started_at` is
 * kept when a recovered run is claimed again, so the run's duration covers the crash.
 */
export async function claimNextRun(db: PrismaClient, workerId: string): Promise<ClaimedRun | null> {
  const rows = await db.$queryRaw<ClaimedRunRow[]>`
    UPDATE training_runs
       SET status = 'running',
           worker_id = ${workerId},
           heartbeat_at = now(),
           started_at = COALESCE(started_at, now()),
           finished_at = NULL,
           error = NULL
     WHERE status = 'queued'
       AND id = (
         SELECT id
           FROM training_runs
          WHERE status = 'queued'
          ORDER BY created_at, id
          LIMIT 1
            FOR UPDATE SKIP LOCKED)
    RETURNING id, dataset_id, config, checkpoint_dir, started_at`;

  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    datasetId: row.dataset_id,
    config: row.config,
    checkpointDir: row.checkpoint_dir,
    startedAt: row.started_at,
  };
}
