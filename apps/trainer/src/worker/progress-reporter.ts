import type { PrismaClient } from '@dim/db';
import type { Logger } from 'pino';

/**
 * The training_runs.progress JSON. Field names match the RunProgress type of the GraphQL
 * schema; `phase` names the part of the run the numbers describe.
 */
export interface RunProgress {
  readonly phase: 'training' | 'embedding';
  /** 1-based epoch being trained; equals `epochs` while embedding. */
  readonly epoch: number;
  readonly epochs: number;
  /** 1-based step within the epoch; 0 before the first step finishes. */
  readonly step: number;
  readonly stepsPerEpoch: number;
  /** 0..1 over the whole run, training and embedding, weighted by estimated compute. */
  readonly fraction: number;
  readonly totalLoss: number | null;
  readonly localLoss: number | null;
  readonly globalLoss: number | null;
  readonly priorLoss: number | null;
  /** Throughput of the current phase. */
  readonly imagesPerSecond: number | null;
  readonly etaSeconds: number | null;
  readonly embeddedImages?: number;
  readonly imagesToEmbed?: number;
  readonly updatedAt: string;
}

export interface ProgressReporterOptions {
  readonly db: PrismaClient;
  readonly runId: number;
  /** Minimum time between two progress writes. */
  readonly minIntervalMs: number;
  /** Minimum time between two progress log lines; the database gets the finer updates. */
  readonly logIntervalMs: number;
  readonly logger: Logger;
}

/**
 * Writes the latest progress snapshot to training_runs.progress at most once per
 * `minIntervalMs`. A step can finish every few milliseconds on a fast backend, and one
 * UPDATE per step would load the database more than the dashboard needs. Snapshots that
 * arrive between writes replace each other, and `flush()` writes the last one, so the
 * stored value is never more than one interval old.
 */
export class ProgressReporter {
  private pending: RunProgress | null = null;
  private lastWriteAt = Number.NEGATIVE_INFINITY;
  private lastLogAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: ProgressReporterOptions) {}

  /** Records a snapshot; it reaches the database now or when the interval has passed. */
  report(progress: RunProgress): void {
    if (this.closed) return;
    this.pending = progress;
    this.maybeLog(progress);

    const wait = this.lastWriteAt + this.options.minIntervalMs - Date.now();
    if (wait <= 0) {
      this.startWrite();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.startWrite();
      }, wait);
    }
  }

  /** Writes the pending snapshot, if any, now; used at epoch ends and before status changes. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.startWrite();
    await this.writing;
  }

  /** Flushes and stops accepting snapshots. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private startWrite(): void {
    const snapshot = this.pending;
    if (snapshot === null) return;
    this.pending = null;
    this.lastWriteAt = Date.now();
    // Writes are chained so they reach the database in the order the snapshots came in.
    this.writing = this.writing.then(() => this.write(snapshot));
  }

  private async write(snapshot: RunProgress): Promise<void> {
    const { db, runId, logger } = this.options;
    try {
      await db.$executeRaw`
        UPDATE training_runs SET progress = ${JSON.stringify(snapshot)}::jsonb WHERE id = ${runId}`;
    } catch (error) {
      // Progress is advisory; a failed write is replaced by the next snapshot.
      logger.warn({ runId, err: error }, 'Writing run progress failed');
    }
  }

  private maybeLog(progress: RunProgress): void {
    const now = Date.now();
    if (now - this.lastLogAt < this.options.logIntervalMs) return;
    this.lastLogAt = now;
    this.options.logger.info(
      {
        runId: this.options.runId,
        phase: progress.phase,
        epoch: progress.epoch,
        epochs: progress.epochs,
        step: progress.step,
        stepsPerEpoch: progress.stepsPerEpoch,
        totalLoss: progress.totalLoss,
        imagesPerSecond: roundOrNull(progress.imagesPerSecond, 1),
        etaSeconds: roundOrNull(progress.etaSeconds, 0),
        percent: Math.round(progress.fraction * 1000) / 10,
      },
      'Run progress',
    );
  }
}

function roundOrNull(value: number | null, digits: number): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
