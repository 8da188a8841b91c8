import type { PrismaClient } from '@dim/db';

/**
 * Status changes and records of one claimed run. Every status change is conditional on
 * `worker_id` still naming this worker and on the expected current status, so a worker that
 * lost its run to recovery (after stalling past the heartbeat timeout) cannot overwrite the
 * run's new owner. Each function returns whether its update applied.
 */
export class RunStore {
  constructor(
    private readonly db: PrismaClient,
    readonly runId: number,
    private readonly workerId: string,
  ) {}

  /** Records the TensorFlow.js backend and the run folder once the job has set them up. */
  async recordSetup(backend: string, checkpointDir: string): Promise<boolean> {
    const { count } = await this.db.trainingRun.updateMany({
      where: { id: this.runId, workerId: this.workerId, status: 'running' },
      data: { backend, checkpointDir },
    });
    return count === 1;
  }

  async markEmbedding(): Promise<boolean> {
    const { count } = await this.db.trainingRun.updateMany({
      where: { id: this.runId, workerId: this.workerId, status: 'running' },
      data: { status: 'embedding' },
    });
    return count === 1;
  }

  async markFailed(error: string): Promise<boolean> {
    const { count } = await this.db.trainingRun.updateMany({
      where: { id: this.runId, workerId: this.workerId, status: { in: ['running', 'embedding'] } },
      data: { status: 'failed', error, finishedAt: new Date() },
    });
    return count === 1;
  }

  async markCancelled(): Promise<boolean> {
    const { count } = await this.db.trainingRun.updateMany({
      where: { id: this.runId, workerId: this.workerId, status: { in: ['running', 'embedding'] } },
      data: { status: 'cancelled', finishedAt: new Date() },
    });
    return count === 1;
  }

  /**
   * Puts the run back in the queue when the worker shuts down gracefully, so the next
   * worker resumes it from its last checkpoint. This is not a crash, so the crash policy
   * does not apply.
   */
  async requeue(): Promise<boolean> {
    const { count } = await this.db.trainingRun.updateMany({
      where: { id: this.runId, workerId: this.workerId, status: { in: ['running', 'embedding'] } },
      data: { status: 'queued', workerId: null, heartbeatAt: null },
    });
    return count === 1;
  }

  /** Inserts or, when a resumed run trains the epoch again, replaces the epoch's metrics. */
  async recordEpochMetric(metric: EpochMetricRecord): Promise<void> {
    const values = { ...metric, runId: this.runId };
    await this.db.epochMetric.upsert({
      where: { runId_epoch: { runId: this.runId, epoch: metric.epoch } },
      create: values,
      update: values,
    });
  }

  async recordCheckpoint(epoch: number, step: number, path: string): Promise<void> {
    await this.db.checkpoint.create({ data: { runId: this.runId, epoch, step, path } });
  }

  /** Returns the checkpoint a resumed run starts from: the latest by epoch, then step. */
  async latestCheckpoint(): Promise<{ epoch: number; step: number; path: string } | null> {
    return this.db.checkpoint.findFirst({
      where: { runId: this.runId },
      orderBy: [{ epoch: 'desc' }, { step: 'desc' }, { id: 'desc' }],
      select: { epoch: true, step: true, path: true },
    });
  }
}

/** One row of epoch_metrics without the run id. `epoch` is 1-based. */
export interface EpochMetricRecord {
  readonly epoch: number;
  readonly totalLoss: number;
  readonly localLoss: number;
  readonly globalLoss: number;
  readonly priorLoss: number;
  readonly discriminatorLoss: number;
  readonly imagesPerSecond: number;
  readonly durationSeconds: number;
}
