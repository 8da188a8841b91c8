import path from 'node:path';

import { loadImageSet, takeSubset, type ImageSet } from '@dim/dataset';
import { writeRunEmbeddings, type PrismaClient } from '@dim/db';
import { createDimModel, disposeModel, selectBackend, type BackendInfo, type DimModel } from '@dim/dim-model';
import type { Logger } from 'pino';

import { backendLogger } from '../commands/backend-log';
import { readCheckpointModel, writeCheckpoint } from '../training/checkpoint-io';
import { createDimTrainStepper } from '../training/dim-step';
import { runTrainingLoop, stepsPerEpoch, type CheckpointReason, type TrainingResult } from '../training/loop';
import type { RunConfig } from '../training/run-config';
import { RunFolder } from '../training/run-folder';
import { initialLoopState, type LoopState } from '../training/types';
import { watchCancellation, type CancellationWatcher } from './cancellation';
import type { ClaimedRun } from './claim';
import { datasetDir, InvalidTrainingConfigError, validateTrainingConfig, type TrainingJobConfig } from './config';
import { embedRegisteredImages } from './embedding';
import { storeRetrievalQuality } from './retrieval';
import { startHeartbeat, type Heartbeat } from './heartbeat';
import type { ResolvedWorkerOptions } from './options';
import { embeddingProgress, trainingProgress, type RunSize } from './progress-estimate';
import { ProgressReporter, type RunProgress } from './progress-reporter';
import { RunStore } from './run-store';

export interface JobContext {
  readonly db: PrismaClient;
  readonly workerId: string;
  readonly settings: ResolvedWorkerOptions;
  readonly logger: Logger;
}

export interface JobHandle {
  /** Settles when the run has reached a final status, been requeued, or been given up. Never rejects. */
  readonly done: Promise<void>;
  /** Asks the job to stop at the next step and requeue its run (graceful worker shutdown). */
  interrupt(): void;
}

/** Reason a job stops before completing; `stopReason()` checks them in this order. */
type StopReason = 'lost' | 'cancelled' | 'interrupted';

/** Minimum time between two progress log lines; the database gets updates more often. */
const PROGRESS_LOG_INTERVAL_MS = 30_000;

/** Carries out one claimed run: train, checkpoint, embed, write the embeddings. */
export function runJob(run: ClaimedRun, context: JobContext): JobHandle {
  const job = new Job(run, context);
  return { done: job.execute(), interrupt: () => job.interrupt() };
}

class Job {
  private readonly store: RunStore;
  private readonly logger: Logger;
  private readonly cancellation: CancellationWatcher;
  private readonly progress: ProgressReporter;
  private lost = false;
  /** Set once the job starts writing its final status, after which losing the run is expected. */
  private settling = false;
  private interrupted = false;
  private model: DimModel | undefined;
  private heartbeat: Heartbeat | undefined;

  constructor(
    private readonly run: ClaimedRun,
    private readonly context: JobContext,
  ) {
    const { db, workerId, settings } = context;
    this.logger = context.logger;
    this.store = new RunStore(db, run.id, workerId);
    this.cancellation = watchCancellation(db, run.id, settings.cancelPollIntervalMs, this.logger);
    this.progress = new ProgressReporter({
      db,
      runId: run.id,
      minIntervalMs: settings.progressIntervalMs,
      logIntervalMs: PROGRESS_LOG_INTERVAL_MS,
      logger: this.logger,
    });
  }

  interrupt(): void {
    this.interrupted = true;
  }

  async execute(): Promise<void> {
    const { db, workerId, settings } = this.context;
    const heartbeat = (this.heartbeat = startHeartbeat({
      db,
      runId: this.run.id,
      workerId,
      intervalMs: settings.heartbeatIntervalMs,
      logger: this.logger,
      onLost: () => {
        if (this.settling) return;
        this.lost = true;
        this.logger.error('Run is no longer owned by this worker; stopping the job without further writes');
      },
    }));
    const startedAt = Date.now();

    try {
      await this.trainAndEmbed();
    } catch (error) {
      await this.fail(error);
    } finally {
      await this.progress.close();
      await heartbeat.stop();
      await this.cancellation.stop();
      if (this.model) disposeModel(this.model);
      this.logger.info({ seconds: (Date.now() - startedAt) / 1000 }, 'Job finished');
    }
  }

  /**
   * Runs between training steps and embedding batches. TensorFlow.js kernels on the CPU and
   * WASM backends are synchronous, so without these awaits the timers of the heartbeat, the
   * cancellation poll and the progress writes would not fire until training ends.
   */
  private async betweenSteps(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    await this.heartbeat?.beatIfDue();
    await this.cancellation.refreshIfDue();
  }

  private stopReason(): StopReason | null {
    if (this.lost) return 'lost';
    if (this.cancellation.isRequested()) return 'cancelled';
    if (this.interrupted) return 'interrupted';
    return null;
  }

  private async trainAndEmbed(): Promise<void> {
    const { settings } = this.context;
    const config = await validateTrainingConfig(this.run.config, { dataDir: settings.dataDir });
    if (await this.cancellation.refresh()) return this.stop('cancelled');

    // The backend comes first because creating or loading a model allocates tensors on it.
    // NOTE: TensorFlow.js has one active backend per process, so concurrent jobs that ask
    // for different backends all run on the one selected last.
    const backend = await selectBackend({ backend: config.backend ?? 'auto', log: backendLogger(this.logger) });
    const folder = new RunFolder(this.run.checkpointDir ?? path.join(path.resolve(settings.runsDir), `run-${this.run.id}`));
    await folder.create();
    if (!(await this.store.recordSetup(backend.name, folder.dir))) return this.stop('lost');
    this.logger.info({ backend: backend.name, runDir: folder.dir, config }, 'Run started');

    const dir = datasetDir(config.datasetName, settings.dataDir);
    const images = await loadTrainingImages(config, dir);
    const size: RunSize = {
      epochs: config.epochs,
      stepsPerEpoch: stepsPerEpoch(images.count, config.batchSize),
      trainImages: images.count,
      imagesToEmbed: await this.context.db.image.count({ where: { datasetId: this.run.datasetId } }),
    };

    const start = await this.prepareModel(folder, config, images, dir);
    const trained = await this.train(folder, config, images, size, start, backend);
    if (!trained) return;

    const stopReason = this.stopReason() ?? ((await this.cancellation.refresh()) ? 'cancelled' : null);
    if (stopReason) return this.stop(stopReason);
    if (!(await this.store.markEmbedding())) return this.stop('lost');
    await this.embedAndComplete(config, size, dir);
  }

  /** Creates the model, or loads it from the run folder's newest checkpoint when the run is resumed. */
  private async prepareModel(folder: RunFolder, config: TrainingJobConfig, images: ImageSet, dir: string): Promise<LoopState> {
    const latest = (await folder.listCheckpoints()).at(-1);
    if (latest) {
      this.model = await readCheckpointModel(latest.dir);
      // A crash between publishing a checkpoint folder and inserting its row leaves the
      // folder unrecorded. The run resumes from that folder, so the table must list it.
      const recorded = await this.store.latestCheckpoint();
      if (recorded?.path !== latest.dir) await this.store.recordCheckpoint(latest.state.epoch, latest.state.step, latest.dir);
      this.logger.info(
        { checkpoint: latest.dir, epoch: latest.state.epoch, step: latest.state.step },
        'Resuming run from its last checkpoint',
      );
      return latest.state;
    }

    this.model = createDimModel({
      preset: config.preset,
      embeddingDim: config.embeddingDim,
      alpha: config.alpha,
      beta: config.beta,
      gamma: config.gamma,
      learningRate: config.learningRate,
      inputShape: [images.height, images.width, images.channels],
      seed: config.seed,
    });
    // config.json in the trainer CLI's format, so `trainer train --resume` and `search` accept the run folder.
    const runConfig: RunConfig = {
      dataset: {
        name: config.datasetName,
        dir: path.resolve(dir),
        subset: config.subsetSize === null ? null : { total: config.subsetSize },
        imageCount: images.count,
      },
      model: this.model.config,
      training: {
        epochs: config.epochs,
        batchSize: config.batchSize,
        seed: config.seed,
        checkpointEveryEpochs: config.checkpointEvery,
        keepCheckpoints: 0,
      },
      createdAt: new Date().toISOString(),
    };
    await folder.writeConfig(runConfig);
    return initialLoopState();
  }

  /** Trains until the configured epochs are done; returns false when the job stopped early. */
  private async train(
    folder: RunFolder,
    config: TrainingJobConfig,
    images: ImageSet,
    size: RunSize,
    start: LoopState,
    backend: BackendInfo,
  ): Promise<boolean> {
    const model = this.model!;
    if (start.epoch >= config.epochs) {
      this.logger.info({ epochs: start.epoch }, 'Training already finished before the restart; embedding');
      return true;
    }

    this.progress.report(trainingProgress(size, start, Math.min(start.epoch + 1, config.epochs), start.step));
    const stepper = await createDimTrainStepper(model, {
      backend,
      workers: this.context.settings.trainWorkers ?? undefined,
      log: backendLogger(this.logger),
    });
    const save = async (state: LoopState, reason: CheckpointReason): Promise<void> => {
      // After losing the run, nothing may be written: the new owner is resuming from these files.
      if (this.lost) return;
      await stepper.syncModel();
      const checkpoint = await writeCheckpoint(folder, model, state);
      await this.store.recordCheckpoint(state.epoch, state.step, checkpoint);
      this.logger.info({ checkpoint, epoch: state.epoch, step: state.step, reason }, 'Checkpoint saved');
    };

    let result: TrainingResult;
    try {
      result = await runTrainingLoop({
        images,
        epochs: config.epochs,
        batchSize: config.batchSize,
        seed: config.seed,
        trainStep: stepper.trainStep,
        checkpoint: { everyEpochs: config.checkpointEvery, save },
        start,
        shouldStop: () => this.stopReason() !== null,
        onStep: async (event) => {
          this.progress.report(trainingProgress(size, event.state, event.epoch, event.step));
          await this.betweenSteps();
        },
        onEpoch: async (metrics) => {
          // metrics.json in the trainer CLI's format as well, so the run folder records its
          // own training time (the benchmarks read it from there).
          const earlier = (await folder.readMetrics()).filter((entry) => entry.epoch < metrics.epoch);
          await folder.writeMetrics([...earlier, metrics]);
          await this.store.recordEpochMetric({
            epoch: metrics.epoch,
            totalLoss: metrics.losses.total,
            localLoss: metrics.losses.local,
            globalLoss: metrics.losses.global,
            priorLoss: metrics.losses.prior,
            discriminatorLoss: metrics.losses.discriminator,
            imagesPerSecond: metrics.imagesPerSecond,
            durationSeconds: metrics.seconds,
          });
          await this.progress.flush();
          this.logger.info(
            { epoch: metrics.epoch, epochs: config.epochs, losses: metrics.losses, imagesPerSecond: metrics.imagesPerSecond, seconds: metrics.seconds },
            'Epoch finished',
          );
        },
      });
      // Replica workers train their own copies, and embedding reads this thread's model.
      await stepper.syncModel();
    } finally {
      await stepper.dispose();
    }

    if (result.stopped) {
      await this.stop(this.stopReason() ?? 'interrupted');
      return false;
    }
    return true;
  }

  private async embedAndComplete(config: TrainingJobConfig, size: RunSize, dir: string): Promise<void> {
    const lastTraining = await this.lastTrainingLosses();
    const embedStart = performance.now();
    this.progress.report(embeddingProgress(size, 0, null, lastTraining));
    this.logger.info({ images: size.imagesToEmbed }, 'Embedding the registered images');

    const embeddings = await embedRegisteredImages({
      db: this.context.db,
      model: this.model!,
      datasetId: this.run.datasetId,
      datasetName: config.datasetName,
      dir,
      shouldStop: () => this.stopReason() !== null,
      betweenBatches: () => this.betweenSteps(),
      onProgress: ({ embedded }) => {
        const seconds = (performance.now() - embedStart) / 1000;
        this.progress.report(embeddingProgress(size, embedded, embedded > 0 && seconds > 0 ? embedded / seconds : null, lastTraining));
      },
    });
    if (embeddings.stopped) return this.stop(this.stopReason() ?? 'interrupted');

    // writeRunEmbeddings marks the run completed whatever its worker or cancellation flag,
    // so both are checked right before it.
    // TODO: a cancellation or recovery landing during the write itself is not detected.
    const stopReason = this.stopReason() ?? ((await this.cancellation.refresh()) ? 'cancelled' : null);
    if (stopReason) return this.stop(stopReason);

    this.settling = true;
    await this.progress.flush();
    const result = await writeRunEmbeddings(this.context.db, this.run.id, embeddings.imageIds, embeddings.vectors, embeddings.dim);
    this.progress.report({ ...embeddingProgress(size, size.imagesToEmbed, null, lastTraining), fraction: 1, etaSeconds: 0 });
    this.logger.info(
      { embeddings: result.count, dim: embeddings.dim, embedSeconds: (performance.now() - embedStart) / 1000, method: result.method },
      'Run completed',
    );

    // The run is already complete and queryable; a failure here only leaves its retrieval
    // figures empty, so it is logged rather than failing the run.
    try {
      await storeRetrievalQuality(this.context.db, this.run, embeddings, this.logger);
    } catch (error) {
      this.logger.error({ err: error }, `Retrieval quality not computed: ${(error as Error).message}`);
    }
  }

  private async lastTrainingLosses(): Promise<Pick<RunProgress, 'totalLoss' | 'localLoss' | 'globalLoss' | 'priorLoss'>> {
    const last = await this.context.db.epochMetric.findFirst({
      where: { runId: this.run.id },
      orderBy: { epoch: 'desc' },
    });
    return {
      totalLoss: last?.totalLoss ?? null,
      localLoss: last?.localLoss ?? null,
      globalLoss: last?.globalLoss ?? null,
      priorLoss: last?.priorLoss ?? null,
    };
  }

  private async stop(reason: StopReason): Promise<void> {
    this.settling = true;
    await this.progress.flush();
    if (reason === 'lost') {
      this.logger.warn('Run was taken over by recovery or left the active states; stopping without further writes');
      return;
    }
    if (reason === 'cancelled') {
      const applied = await this.store.markCancelled();
      this.logger.info({ applied }, 'Run cancelled');
      return;
    }
    const applied = await this.store.requeue();
    this.logger.info({ applied }, 'Worker stopping: run requeued to resume from its last checkpoint');
  }

  private async fail(error: unknown): Promise<void> {
    const message = error instanceof InvalidTrainingConfigError ? error.message : describeError(error);
    this.logger.error({ err: error }, 'Run failed');
    if (this.lost) return;
    this.settling = true;
    try {
      await this.progress.flush();
      const applied = await this.store.markFailed(message);
      if (!applied) this.logger.warn('Could not mark the run failed: it is no longer owned by this worker');
    } catch (markError) {
      // The run stays in running and is failed or resumed by recovery once its heartbeat stops.
      this.logger.error({ err: markError }, 'Marking the run failed did not succeed');
    }
  }
}

async function loadTrainingImages(config: TrainingJobConfig, dir: string): Promise<ImageSet> {
  const images = await loadImageSet({ name: config.datasetName, split: 'train', dir });
  return config.subsetSize === null ? images : takeSubset(images, { total: config.subsetSize });
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
