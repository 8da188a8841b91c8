import { createPrismaClient, poolOf, type PrismaClient } from '@dim/db';
import pino, { type Logger } from 'pino';

import { claimNextRun, type ClaimedRun } from './claim';
import { currentWorkerIdentity, formatWorkerId } from './identity';
import { resolveWorkerOptions, type ResolvedWorkerOptions, type WorkerOptions } from './options';
import { recoverAbandonedRuns } from './recovery';
import { runJob, type JobHandle } from './run-job';

export interface WorkerHandle {
  /** "host:pid", as written to training_runs.worker_id. */
  readonly workerId: string;
  /**
   * Stops claiming runs, stops the active jobs at their next step and puts their runs back
   * in the queue, then closes the database connections. Resolves when all of that is done.
   */
  stop(): Promise<void>;
}

/**
 * Run ids being executed by any worker in this process. Workers started in one process
 * share the "host:pid" worker id, so recovery must not take a run that a sibling worker runs.
 */
const runsActiveInProcess = new Set<number>();

/**
 * Starts a worker that claims queued runs and carries them out, at most `concurrency` at a
 * time. Runs abandoned by dead workers are recovered at start and then every half heartbeat
 * timeout, following `onCrash`. Resolves once the first recovery pass is done.
 */
export async function startWorker(options: WorkerOptions): Promise<WorkerHandle> {
  const settings = resolveWorkerOptions(options, pino({ name: 'dim-worker', level: process.env.LOG_LEVEL ?? 'info' }));
  const identity = currentWorkerIdentity();
  const workerId = formatWorkerId(identity);
  const logger = settings.logger.child({ workerId });
  // One connection is enough for the worker's traffic: a few small statements a second per
  // job, plus the embedding write, which keeps one connection for its transaction.
  // NOTE: it also keeps the worker's own statements from interleaving on the embedded PGlite
  // server, whose pglite-socket multiplexer (0.2.17) can mix up extended-protocol messages of
  // concurrent connections.
  const db = createPrismaClient(settings.databaseUrl, { poolMax: 1 });

  logger.info(
    {
      runsDir: settings.runsDir,
      dataDir: settings.dataDir,
      concurrency: settings.concurrency,
      onCrash: settings.onCrash,
      pollIntervalMs: settings.pollIntervalMs,
      heartbeatTimeoutMs: settings.heartbeatTimeoutMs,
    },
    'Worker starting',
  );

  const recover = async (): Promise<void> => {
    await recoverAbandonedRuns({
      db,
      self: identity,
      selfWorkerId: workerId,
      activeRunIds: runsActiveInProcess,
      heartbeatTimeoutMs: settings.heartbeatTimeoutMs,
      onCrash: settings.onCrash,
      logger,
    });
  };

  try {
    await recover();
  } catch (error) {
    await closeDatabase(db);
    throw error;
  }

  const loop = new WorkerLoop(db, settings, workerId, logger, recover);
  const finished = loop.run();
  logger.info('Worker started; waiting for queued runs');

  let stopping: Promise<void> | undefined;
  return {
    workerId,
    stop() {
      stopping ??= (async () => {
        logger.info({ activeRuns: loop.activeRunIds() }, 'Worker stopping');
        await loop.stop();
        await finished;
        await closeDatabase(db);
        logger.info('Worker stopped');
      })();
      return stopping;
    },
  };
}

class WorkerLoop {
  private readonly jobs = new Map<number, JobHandle>();
  private stopping = false;
  private wake: (() => void) | undefined;
  private lastRecoveryAt = Date.now();
  private consecutiveErrors = 0;

  constructor(
    private readonly db: PrismaClient,
    private readonly settings: ResolvedWorkerOptions,
    private readonly workerId: string,
    private readonly logger: Logger,
    private readonly recover: () => Promise<void>,
  ) {}

  activeRunIds(): number[] {
    return [...this.jobs.keys()];
  }

  async run(): Promise<void> {
    while (!this.stopping) {
      let claimed: ClaimedRun | null = null;
      try {
        await this.recoverIfDue();
        if (this.jobs.size < this.settings.concurrency) {
          claimed = await claimNextRun(this.db, this.workerId);
        }
        if (this.consecutiveErrors > 0) this.logger.info({ failedPolls: this.consecutiveErrors }, 'Polling for queued runs works again');
        this.consecutiveErrors = 0;
      } catch (error) {
        // The database may be restarting, so keep polling rather than exit. An outage fails
        // every poll, so only the first failure and every 30th after it are logged.
        this.consecutiveErrors += 1;
        if (this.consecutiveErrors % 30 === 1) {
          this.logger.error({ err: error, consecutiveErrors: this.consecutiveErrors }, 'Polling for queued runs failed; retrying');
        }
      }

      if (claimed) {
        this.launch(claimed);
        continue; // Another slot may be free and another run queued: claim again without waiting.
      }
      await this.sleep(this.settings.pollIntervalMs);
    }
    await Promise.all([...this.jobs.values()].map((job) => job.done));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    for (const job of this.jobs.values()) job.interrupt();
  }

  private launch(run: ClaimedRun): void {
    this.logger.info({ runId: run.id }, 'Claimed run');
    runsActiveInProcess.add(run.id);
    const job = runJob(run, {
      db: this.db,
      workerId: this.workerId,
      settings: this.settings,
      logger: this.logger.child({ runId: run.id }),
    });
    this.jobs.set(run.id, job);
    void job.done.finally(() => {
      this.jobs.delete(run.id);
      runsActiveInProcess.delete(run.id);
      this.wake?.(); // A slot is free: look for the next run now.
    });
  }

  private async recoverIfDue(): Promise<void> {
    if (Date.now() - this.lastRecoveryAt < this.settings.heartbeatTimeoutMs / 2) return;
    this.lastRecoveryAt = Date.now();
    await this.recover();
  }

  /** Waits `ms`, or less when `wake` is called (a job finished or the worker is stopping). */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}

/**
 * Closes the Prisma client and its pg pool. @prisma/adapter-pg leaves a pool it was given
 * open on $disconnect, and open pool connections would keep the process alive.
 */
export async function closeDatabase(db: PrismaClient): Promise<void> {
  await db.$disconnect();
  const pool = poolOf(db);
  if (!pool.ending && !pool.ended) await pool.end();
}
