import { stat } from 'node:fs/promises';
import path from 'node:path';

import {
  DATASETS,
  DatasetFormatError,
  DatasetNotFoundError,
  loadImageSet,
  takeSubset,
  type DatasetName,
  type ImageSet,
  type Split,
} from '@dim/dataset';
import { InvalidInputError, Prisma, registerDataset, writeRunEmbeddings, type PrismaClient } from '@dim/db';
import { BACKEND_CHOICES, disposeModel, selectBackend, type BackendChoice, type DimModel } from '@dim/dim-model';
import { Command, Option } from 'commander';

import { openDatabase } from '../database/connect';
import type { Logger } from '../logger';
import { choiceOption, integerOption, UsageError } from '../options';
import { readCheckpointModel } from '../training/checkpoint-io';
import type { RunConfig } from '../training/run-config';
import { resolveCheckpoint, type ResolvedCheckpoint } from '../training/run-folder';
import { embedRegisteredImages } from '../worker/embedding';
import { startHeartbeat } from '../worker/heartbeat';
import { currentWorkerIdentity, formatWorkerId } from '../worker/identity';
import { WORKER_DEFAULTS } from '../worker/options';
import { storeRetrievalQuality, type StoredRetrieval } from '../worker/retrieval';
import { backendLogger } from './backend-log';

const SPLITS: readonly Split[] = ['train', 'test'];
const DATASET_NAMES = Object.keys(DATASETS) as DatasetName[];

/** Exit code after SIGINT or SIGTERM stopped embedding, as for an interrupted `train`. */
const EXIT_INTERRUPTED = 130;

/** SIGINT or SIGTERM arrived while embedding; the run has been marked failed. */
class EmbeddingInterruptedError extends Error {
  override readonly name = 'EmbeddingInterruptedError';
}

/** Minimum time between two progress log lines while embedding. */
const PROGRESS_LOG_INTERVAL_MS = 10_000;

export interface EmbedOptions {
  readonly checkpoint: string;
  readonly dataset?: DatasetName;
  readonly dataDir?: string;
  readonly databaseUrl?: string;
  readonly backend: BackendChoice;
  readonly name?: string;
  readonly limit?: number;
}

/** The JSON line `embed` writes to stdout. */
export interface EmbedResult {
  readonly runId: number;
  readonly embeddings: number;
  readonly dim: number;
  readonly seconds: number;
  readonly retrieval: StoredRetrieval | null;
}

export function createEmbedCommand(run: (options: EmbedOptions) => Promise<void>): Command {
  return new Command('embed')
    .description(
      "Embed a data set's images with a trained checkpoint and store them in the database as a completed run, " +
        'searchable with `search --run`. Registers the train and test images first when they are not registered yet.',
    )
    .requiredOption('--checkpoint <path>', 'run folder (uses its newest checkpoint) or checkpoint folder')
    .addOption(
      new Option('--dataset <name>', 'data set to embed (default: the one the checkpoint was trained on)').argParser(
        choiceOption('--dataset', DATASET_NAMES),
      ),
    )
    .option('--data-dir <dir>', 'data set folder (default: the folder the run was trained from)')
    .option('--database-url <url>', 'PostgreSQL connection string (env DATABASE_URL; default: the embedded database)')
    .addOption(
      new Option('--backend <name>', 'TensorFlow.js backend used to compute embeddings')
        .argParser(choiceOption('--backend', BACKEND_CHOICES))
        .default('auto'),
    )
    .option('--name <label>', 'label stored in the run configuration, to tell runs apart')
    .option('--limit <n>', 'register only the first n images of each split, for tests and quick checks', integerOption('--limit', 1))
    .action(async (options: EmbedOptions) => run(options));
}

/** Runs the `embed` command. */
export async function runEmbed(options: EmbedOptions, logger: Logger): Promise<void> {
  const started = performance.now();
  let resolved: ResolvedCheckpoint;
  try {
    resolved = await resolveCheckpoint(options.checkpoint);
  } catch (error) {
    throw new UsageError(`Invalid --checkpoint ${options.checkpoint}: ${(error as Error).message}`);
  }
  const config = await resolved.run.readConfig<RunConfig>();
  const datasetName = options.dataset ?? config.dataset.name;
  const dataDir = path.resolve(options.dataDir ?? config.dataset.dir);
  const splits = await loadSplits(datasetName, dataDir, options.limit);
  checkImageShape(config, splits[0], resolved.checkpoint.dir);

  // The backend comes first because loading a model allocates tensors on it.
  const backend = await selectBackend({ backend: options.backend, log: backendLogger(logger) });
  const model = await readCheckpointModel(resolved.checkpoint.dir);
  logger.info({ checkpoint: resolved.checkpoint.dir, epoch: resolved.checkpoint.state.epoch }, `Loaded model from ${resolved.checkpoint.dir}`);

  const database = await openDatabase(options.databaseUrl, logger);
  try {
    const datasetId = await registerSplits(database.db, splits, dataDir, options.limit);
    let result: Omit<EmbedResult, 'seconds'>;
    try {
      result = await embedAsRun({
        db: database.db,
        model,
        datasetId,
        datasetName,
        dataDir,
        resolved,
        config,
        backendName: backend.name,
        name: options.name,
        logger,
      });
    } catch (error) {
      if (!(error instanceof EmbeddingInterruptedError)) throw error;
      process.exitCode = EXIT_INTERRUPTED;
      return;
    }
    const summary: EmbedResult = {
      runId: result.runId,
      embeddings: result.embeddings,
      dim: result.dim,
      seconds: Math.round((performance.now() - started) / 100) / 10,
      retrieval: result.retrieval,
    };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } finally {
    disposeModel(model);
    await database.close();
  }
}

async function loadSplits(name: DatasetName, dir: string, limit: number | undefined): Promise<ImageSet[]> {
  const sets: ImageSet[] = [];
  for (const split of SPLITS) {
    let images: ImageSet;
    try {
      images = await loadImageSet({ name, dir, split });
    } catch (error) {
      if (error instanceof DatasetNotFoundError || error instanceof DatasetFormatError) {
        throw new UsageError(`${error.message} Pass the ${name} data set folder with --data-dir.`);
      }
      throw error;
    }
    sets.push(limit === undefined || limit >= images.count ? images : takeSubset(images, { total: limit }));
  }
  return sets;
}

function checkImageShape(config: RunConfig, images: ImageSet, checkpointDir: string): void {
  const [height, width, channels] = config.model.inputShape;
  if (images.height !== height || images.width !== width || images.channels !== channels) {
    throw new UsageError(
      `Checkpoint ${checkpointDir} takes ${height}x${width}x${channels} images, but ${images.name} has ` +
        `${images.height}x${images.width}x${images.channels}. Pass the --dataset the checkpoint was trained on (${config.dataset.name}).`,
    );
  }
}

/** Registers both splits (idempotent) and returns the data set's id. */
async function registerSplits(db: PrismaClient, splits: readonly ImageSet[], dataDir: string, limit: number | undefined): Promise<number> {
  let datasetId = 0;
  for (const images of splits) {
    try {
      const registered = await registerDataset(db, images, { sourcePath: dataDir });
      datasetId = registered.datasetId;
    } catch (error) {
      if (error instanceof InvalidInputError) {
        const limited = limit === undefined ? 'without --limit' : `with --limit ${limit}`;
        throw new UsageError(
          `Cannot register ${images.count} ${images.split} images of ${images.name} ${limited}: ${error.message}. ` +
            'Pass the --limit (or no --limit) the data set was first registered with, or use another database.',
        );
      }
      throw error;
    }
  }
  return datasetId;
}

interface EmbedRunInput {
  readonly db: PrismaClient;
  readonly model: DimModel;
  readonly datasetId: number;
  readonly datasetName: DatasetName;
  readonly dataDir: string;
  readonly resolved: ResolvedCheckpoint;
  readonly config: RunConfig;
  readonly backendName: string;
  readonly name?: string;
  readonly logger: Logger;
}

/**
 * Creates a training run in status embedding for the checkpoint, embeds every registered
 * image of the data set and writes the embeddings, which marks the run completed. Any
 * failure before that write marks the run failed with the error, then re-raises it.
 */
async function embedAsRun(input: EmbedRunInput): Promise<Omit<EmbedResult, 'seconds'>> {
  const { db, model, resolved, logger } = input;
  const workerId = formatWorkerId(currentWorkerIdentity());
  // One timestamp for both, so that the run never appears to start before it was created.
  const now = new Date();
  const run = await db.trainingRun.create({
    data: {
      datasetId: input.datasetId,
      status: 'embedding',
      config: runConfigJson(input),
      preset: model.config.preset,
      embeddingDim: model.config.embeddingDim,
      backend: input.backendName,
      checkpointDir: resolved.run.dir,
      // Owned by this process with live heartbeats, so a worker's crash recovery leaves the
      // run alone while this process is alive and fails or requeues it once it is not.
      workerId,
      heartbeatAt: now,
      createdAt: now,
      startedAt: now,
    },
  });
  const runLogger = logger.child({ runId: run.id });
  await importTrainingHistory(db, run.id, resolved, runLogger);

  let lost = false;
  let signal: NodeJS.Signals | null = null;
  // Without these handlers an interrupt would end the process and leave the run in embedding
  // until a worker's crash recovery notices. With them the run is marked failed first.
  const onSignal = (received: NodeJS.Signals) => {
    signal = received;
    runLogger.warn({ signal: received }, 'Interrupted: stopping after the current batch and marking the run failed');
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const heartbeat = startHeartbeat({
    db,
    runId: run.id,
    workerId,
    intervalMs: WORKER_DEFAULTS.heartbeatIntervalMs,
    logger: runLogger,
    onLost: () => {
      lost = true;
    },
  });

  const embedStarted = performance.now();
  let lastLog = embedStarted;
  let embeddings;
  try {
    runLogger.info({ checkpoint: resolved.checkpoint.dir, datasetId: input.datasetId }, `Run ${run.id} created; embedding the registered images`);
    embeddings = await embedRegisteredImages({
      db,
      model,
      datasetId: input.datasetId,
      datasetName: input.datasetName,
      dir: input.dataDir,
      // TensorFlow.js kernels on the CPU and WASM backends are synchronous, so the heartbeat
      // timer fires only when the loop yields between batches.
      betweenBatches: async () => {
        await new Promise<void>((resolve) => setImmediate(resolve));
        await heartbeat.beatIfDue();
      },
      shouldStop: () => lost || signal !== null,
      onProgress: ({ embedded, total }) => {
        if (performance.now() - lastLog < PROGRESS_LOG_INTERVAL_MS) return;
        lastLog = performance.now();
        runLogger.info({ embedded, total }, `Embedded ${embedded}/${total} images`);
      },
    });
    if (signal !== null) throw new EmbeddingInterruptedError(`Embedding interrupted by ${signal}; run ${run.id}'s embeddings were not written.`);
    if (embeddings.stopped) {
      throw new Error(`Run ${run.id} was taken over by a worker's crash recovery while embedding; its embeddings were not written.`);
    }
    await heartbeat.stop();
    const written = await writeRunEmbeddings(db, run.id, embeddings.imageIds, embeddings.vectors, embeddings.dim);
    runLogger.info(
      { embeddings: written.count, dim: embeddings.dim, embedSeconds: (performance.now() - embedStarted) / 1000, method: written.method },
      `Run ${run.id} completed`,
    );
  } catch (error) {
    await heartbeat.stop();
    await markFailed(db, run.id, error, runLogger);
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  // The run is complete and searchable; a failure here only leaves its retrieval figures
  // empty, so it is logged rather than failing the command.
  let retrieval: StoredRetrieval | null = null;
  try {
    retrieval = await storeRetrievalQuality(db, { id: run.id, datasetId: input.datasetId }, embeddings, runLogger);
  } catch (error) {
    runLogger.error({ err: error }, `Retrieval quality not computed: ${(error as Error).message}`);
  }
  return { runId: run.id, embeddings: embeddings.imageIds.length, dim: embeddings.dim, retrieval };
}

/**
 * Copies the training history of the run folder into the database, so the run's page shows
 * losses and checkpoints as for a run the worker trained. It stores the epochs of metrics.json
 * up to the checkpoint's, and every checkpoint up to it with its folder's modification time.
 */
async function importTrainingHistory(db: PrismaClient, runId: number, resolved: ResolvedCheckpoint, logger: Logger): Promise<void> {
  const last = resolved.checkpoint.state;
  const epochs = (await resolved.run.readMetrics()).filter((entry) => entry.epoch <= last.epoch);
  await db.epochMetric.createMany({
    data: epochs.map((entry) => ({
      runId,
      epoch: entry.epoch,
      totalLoss: entry.losses.total,
      localLoss: entry.losses.local,
      globalLoss: entry.losses.global,
      priorLoss: entry.losses.prior,
      discriminatorLoss: entry.losses.discriminator,
      imagesPerSecond: entry.imagesPerSecond,
      durationSeconds: entry.seconds,
      createdAt: new Date(entry.finishedAt),
    })),
  });

  const listed = (await resolved.run.listCheckpoints()).filter((entry) => entry.state.globalStep <= last.globalStep);
  // A checkpoint folder given directly may sit outside the run's checkpoints/ folder.
  if (!listed.some((entry) => path.resolve(entry.dir) === path.resolve(resolved.checkpoint.dir))) {
    listed.push({ dir: resolved.checkpoint.dir, state: last });
  }
  for (const entry of listed) {
    const written = (await stat(entry.dir)).mtime;
    await db.checkpoint.create({ data: { runId, epoch: entry.state.epoch, step: entry.state.step, path: entry.dir, createdAt: written } });
  }
  logger.info({ epochs: epochs.length, checkpoints: listed.length }, 'Imported the training history of the run folder');
}

/**
 * Builds the run's configuration in the format of queued runs, because the API reads those
 * fields. The values come from the checkpoint's config.json, plus where the embeddings came from.
 */
function runConfigJson(input: EmbedRunInput): Prisma.InputJsonObject {
  const { config, model } = input;
  const subset = config.dataset.subset;
  return {
    datasetName: input.datasetName,
    preset: model.config.preset,
    epochs: config.training.epochs,
    batchSize: config.training.batchSize,
    learningRate: model.config.learningRate,
    alpha: model.config.alpha,
    beta: model.config.beta,
    gamma: model.config.gamma,
    embeddingDim: model.config.embeddingDim,
    subsetSize: subset !== null && 'total' in subset ? subset.total : null,
    seed: config.training.seed,
    checkpointEvery: config.training.checkpointEveryEpochs,
    backend: input.backendName,
    name: input.name ?? null,
    source: 'trainer embed',
    checkpoint: input.resolved.checkpoint.dir,
    trainedOn: { dataset: config.dataset.name, subset: subset === null ? null : { ...subset }, imageCount: config.dataset.imageCount },
  };
}

async function markFailed(db: PrismaClient, runId: number, error: unknown, logger: Logger): Promise<void> {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  try {
    // Conditional on the status, so a run a worker's recovery already settled keeps its status.
    await db.trainingRun.updateMany({
      where: { id: runId, status: { in: ['running', 'embedding'] } },
      data: { status: 'failed', error: message, finishedAt: new Date() },
    });
    logger.error({ err: error }, `Run ${runId} failed: ${message}`);
  } catch (markError) {
    logger.error({ err: markError }, `Marking run ${runId} failed did not succeed; it stays in embedding until a worker's recovery fails it`);
  }
}
