import type { PrismaClient } from '@dim/db';
import type { Logger } from 'pino';

import { isProcessAlive, parseWorkerId, type WorkerIdentity } from './identity';

/** Policy for a run whose worker died: queue it again to resume from its last checkpoint, or fail it. */
export type CrashPolicy = 'resume' | 'fail';

export interface RecoveryOptions {
  readonly db: PrismaClient;
  /** This worker. Its own active runs are never recovered. */
  readonly self: WorkerIdentity;
  readonly selfWorkerId: string;
  /** Runs this process is executing right now. */
  readonly activeRunIds: ReadonlySet<number>;
  readonly heartbeatTimeoutMs: number;
  readonly onCrash: CrashPolicy;
  readonly logger: Logger;
}

export interface RecoveredRun {
  readonly runId: number;
  readonly previousWorkerId: string | null;
  readonly reason: string;
  readonly action: 'requeued' | 'failed' | 'cancelled';
}

interface ActiveRunRow {
  id: number;
  status: 'running' | 'embedding';
  worker_id: string | null;
  heartbeat_at: Date | null;
  cancel_requested: boolean;
  heartbeat_expired: boolean;
}

/**
 * Finds runs left in running or embedding by a worker that is gone and applies the crash
 * policy to them. A worker is gone when:
 * - its heartbeat is older than `heartbeatTimeoutMs` (any host; compared on the database
 *   clock, so worker clocks need not agree), or
 * - its worker_id names this host and a pid with no live process, or
 * - its worker_id equals this worker's own id but this process is not running the run.
 *   After a machine restart the new worker can get the pid of the old one.
 *
 * NOTE: a pid reused by an unrelated process after a restart looks alive. Such runs are
 * recovered by the heartbeat timeout instead.
 *
 * Every update is conditional on the status, worker_id and heartbeat read here, so a run
 * whose worker beat in the meantime, or that another worker recovered first, is left alone.
 */
export async function recoverAbandonedRuns(options: RecoveryOptions): Promise<RecoveredRun[]> {
  const { db, logger } = options;
  const timeoutSeconds = options.heartbeatTimeoutMs / 1000;
  const rows = await db.$queryRaw<ActiveRunRow[]>`
    SELECT id, status::text AS status, worker_id, heartbeat_at, cancel_requested,
           (heartbeat_at IS NULL
            OR heartbeat_at < now() - make_interval(secs => ${timeoutSeconds}::double precision)) AS heartbeat_expired
      FROM training_runs
     WHERE status IN ('running', 'embedding')
     ORDER BY id`;

  const recovered: RecoveredRun[] = [];
  for (const row of rows) {
    const reason = abandonmentReason(row, options);
    if (reason === null) continue;

    const action = await applyCrashPolicy(db, row, reason, options.onCrash);
    if (action === null) continue;

    const result: RecoveredRun = { runId: row.id, previousWorkerId: row.worker_id, reason, action };
    recovered.push(result);
    logger.warn({ ...result, previousStatus: row.status, onCrash: options.onCrash }, 'Recovered abandoned run');
  }
  return recovered;
}

function abandonmentReason(row: ActiveRunRow, options: RecoveryOptions): string | null {
  if (options.activeRunIds.has(row.id)) return null;

  const owner = row.worker_id === null ? null : parseWorkerId(row.worker_id);
  if (row.worker_id === options.selfWorkerId) {
    return `worker ${row.worker_id} restarted while the run was ${row.status}`;
  }
  if (owner !== null && owner.host === options.self.host && !isProcessAlive(owner.pid)) {
    return `worker ${row.worker_id} exited while the run was ${row.status} (no process ${owner.pid} on ${owner.host})`;
  }
  if (row.heartbeat_expired) {
    const lastBeat = row.heartbeat_at === null ? 'never' : `last at ${row.heartbeat_at.toISOString()}`;
    return `worker ${row.worker_id ?? '(none)'} stopped sending heartbeats while the run was ${row.status} (${lastBeat}, timeout ${options.heartbeatTimeoutMs} ms)`;
  }
  return null;
}

async function applyCrashPolicy(
  db: PrismaClient,
  row: ActiveRunRow,
  reason: string,
  onCrash: CrashPolicy,
): Promise<RecoveredRun['action'] | null> {
  // A run whose cancellation was requested is cancelled, whatever the policy: resuming it
  // would only train until the first cancellation check.
  let action: RecoveredRun['action'] = onCrash === 'resume' ? 'requeued' : 'failed';
  if (row.cancel_requested) action = 'cancelled';
  const error = action === 'failed' ? `${capitalize(reason)}; WORKER_ON_CRASH=fail does not resume crashed runs.` : null;

  const updated = await db.$executeRaw`
    UPDATE training_runs
       SET status = CASE ${action}::text
                      WHEN 'requeued' THEN 'queued'::"RunStatus"
                      WHEN 'failed' THEN 'failed'::"RunStatus"
                      ELSE 'cancelled'::"RunStatus"
                    END,
           worker_id = CASE WHEN ${action}::text = 'requeued' THEN NULL ELSE worker_id END,
           heartbeat_at = CASE WHEN ${action}::text = 'requeued' THEN NULL ELSE heartbeat_at END,
           finished_at = CASE WHEN ${action}::text = 'requeued' THEN NULL ELSE now() END,
           error = ${error}
     WHERE id = ${row.id}
       AND status = ${row.status}::"RunStatus"
       AND worker_id IS NOT DISTINCT FROM ${row.worker_id}
       AND heartbeat_at IS NOT DISTINCT FROM ${row.heartbeat_at}::timestamptz`;
  return updated === 1 ? action : null;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
