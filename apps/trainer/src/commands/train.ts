import path from 'node:path';

import {
  DATASETS,
  DatasetFormatError,
  DatasetNotFoundError,
  loadImageSet,
  takeSubset,
  type DatasetName,
  type ImageSet,
} from '@dim/dataset';
import {
  BACKEND_CHOICES,
  createDimModel,
  DEFAULT_CONFIG,
  flopsPerImage,
  PRESETS,
  selectBackend,
  type BackendChoice,
  type DimModel,
  type PresetName,
} from '@dim/dim-model';
import { Command, Option } from 'commander';

import type { Logger } from '../logger';
import { choiceOption, integerOption, numberOption, UsageError } from '../options';
import { TrainingProgress } from '../progress';
import { readCheckpointModel, writeCheckpoint } from '../training/checkpoint-io';
import { createDimTrainStep } from '../training/dim-step';
import { MIN_BATCH_SIZE, runTrainingLoop, stepsPerEpoch, type CheckpointReason } from '../training/loop';
import type { RunConfig, SubsetSpec } from '../training/run-config';
import { resolveCheckpoint, RunFolder, type CheckpointEntry } from '../training/run-folder';
import { initialLoopState, type EpochMetrics, type LoopState } from '../training/types';
import { backendLogger } from './backend-log';

const DATASET_NAMES = Object.keys(DATASETS) as DatasetName[];
const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

/** Minimum time between two progress.json rewrites, so fast GPU steps do not turn into disk writes. */
const PROGRESS_WRITE_INTERVAL_MS = 1000;

export interface TrainOptions {
  readonly dataset: DatasetName;
  readonly dataDir?: string;
  readonly download: boolean;
  readonly preset: PresetName;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly alpha: number;
  readonly beta: number;
  readonly gamma: number;
  readonly embeddingDim: number;
  readonly subset?: number;
  readonly subsetPerClass?: number;
  readonly seed?: number;
  readonly checkpointEvery: number;
  readonly keepCheckpoints: number;
  readonly out?: string;
  readonly backend: BackendChoice;
  readonly microBatchSize?: number;
  readonly resume?: string;
}

/**
 * Options that define a run. Resuming keeps the stored values, so passing one of these
 * with a different value together with --resume is an error rather than silently ignored.
 */
const RUN_DEFINING_OPTIONS = {
  dataset: (config: RunConfig) => config.dataset.name,
  preset: (config: RunConfig) => config.model.preset,
  batchSize: (config: RunConfig) => config.training.batchSize,
  learningRate: (config: RunConfig) => config.model.learningRate,
  alpha: (config: RunConfig) => config.model.alpha,
  beta: (config: RunConfig) => config.model.beta,
  gamma: (config: RunConfig) => config.model.gamma,
  embeddingDim: (config: RunConfig) => config.model.embeddingDim,
  seed: (config: RunConfig) => config.training.seed,
  subset: (config: RunConfig) => (config.dataset.subset && 'total' in config.dataset.subset ? config.dataset.subset.total : undefined),
  subsetPerClass: (config: RunConfig) =>
    config.dataset.subset && 'perClass' in config.dataset.subset ? config.dataset.subset.perClass : undefined,
} as const satisfies Partial<Record<keyof TrainOptions, (config: RunConfig) => unknown>>;

const FLAG_NAMES: Record<keyof typeof RUN_DEFINING_OPTIONS, string> = {
  dataset: '--dataset',
  preset: '--preset',
  batchSize: '--batch-size',
  learningRate: '--learning-rate',
  alpha: '--alpha',
  beta: '--beta',
  gamma: '--gamma',
  embeddingDim: '--embedding-dim',
  seed: '--seed',
  subset: '--subset',
  subsetPerClass: '--subset-per-class',
};

export function createTrainCommand(run: (options: TrainOptions, command: Command) => Promise<void>): Command {
  return new Command('train')
    .description('Train a Deep InfoMax encoder on a data set and write metrics and checkpoints to a run folder.')
    .addOption(
      new Option('--dataset <name>', 'data set to train on').argParser(choiceOption('--dataset', DATASET_NAMES)).default('cifar10'),
    )
    .option('--data-dir <dir>', 'folder with the data set files (default: the data set\'s standard location)')
    .option('--download', 'download CIFAR-10 when it is not found in --data-dir', false)
    .addOption(
      new Option('--preset <name>', `encoder architecture: ${PRESET_NAMES.map((name) => `${name} (${PRESETS[name].description})`).join('; ')}`)
        .argParser(choiceOption('--preset', PRESET_NAMES))
        .default(DEFAULT_CONFIG.preset),
    )
    .option('--epochs <n>', 'number of passes over the training images', integerOption('--epochs', 1), 10)
    .option('--batch-size <n>', `images a training step (at least ${MIN_BATCH_SIZE})`, integerOption('--batch-size', MIN_BATCH_SIZE), 64)
    .option('--learning-rate <lr>', 'Adam learning rate', numberOption('--learning-rate', { exclusiveMin: 0 }), DEFAULT_CONFIG.learningRate)
    .option('--alpha <weight>', 'weight of the global mutual-information loss', numberOption('--alpha', { min: 0 }), DEFAULT_CONFIG.alpha)
    .option('--beta <weight>', 'weight of the local mutual-information loss', numberOption('--beta', { min: 0 }), DEFAULT_CONFIG.beta)
    .option('--gamma <weight>', 'weight of the prior-matching loss', numberOption('--gamma', { min: 0 }), DEFAULT_CONFIG.gamma)
    .option('--embedding-dim <n>', 'width of the embedding', integerOption('--embedding-dim', 1), DEFAULT_CONFIG.embeddingDim)
    .option('--subset <n>', 'train on the first n training images only', integerOption('--subset', 1))
    .option('--subset-per-class <n>', 'train on the first n training images of each class only', integerOption('--subset-per-class', 1))
    .option('--seed <n>', 'seed of weight initialisation, prior samples and batch order (default: random, stored in config.json)', integerOption('--seed', 0))
    .option('--checkpoint-every <epochs>', 'save a checkpoint every this many epochs (the last epoch is always saved)', integerOption('--checkpoint-every', 1), 1)
    .option('--keep-checkpoints <n>', 'keep only the newest n checkpoints; 0 keeps all', integerOption('--keep-checkpoints', 0), 0)
    .option('--out <dir>', 'run folder for config, metrics and checkpoints (default: runs/<dataset>-<preset>-<time>)')
    .addOption(
      new Option('--backend <name>', 'TensorFlow.js backend; auto tries them fastest first')
        .argParser(choiceOption('--backend', BACKEND_CHOICES))
        .default('auto'),
    )
    .option('--micro-batch-size <n>', 'largest number of images a forward/backward pass, to bound memory (default: the whole batch)', integerOption('--micro-batch-size', MIN_BATCH_SIZE))
    .option('--resume <path>', 'continue a run from its run folder (newest checkpoint) or from one checkpoint folder')
    .action(async (options: TrainOptions, command: Command) => run(options, command));
}

/** Returns the options the user typed, as opposed to defaults. */
function explicitOptions(command: Command): Set<string> {
  const names = Object.keys(command.opts());
  return new Set(names.filter((name) => command.getOptionValueSource(name) === 'cli'));
}

function subsetSpec(options: TrainOptions): SubsetSpec {
  if (options.subset !== undefined && options.subsetPerClass !== undefined) {
    throw new UsageError('--subset and --subset-per-class cannot be combined. Pass only one of them.');
  }
  if (options.subset !== undefined) return { total: options.subset };
  if (options.subsetPerClass !== undefined) return { perClass: options.subsetPerClass };
  return null;
}

async function loadTrainingImages(
  name: DatasetName,
  dir: string,
  download: boolean,
  subset: SubsetSpec,
  logger: Logger,
): Promise<ImageSet> {
  let images: ImageSet;
  try {
    images = await loadImageSet({ name, dir, split: 'train', download });
  } catch (error) {
    if (error instanceof DatasetNotFoundError || error instanceof DatasetFormatError) {
      throw new UsageError(`${error.message} Pass the folder with --data-dir${DATASETS[name].downloadable ? ' or add --download' : ''}.`);
    }
    throw error;
  }
  logger.info({ dataset: name, dir, images: images.count }, `Loaded ${DATASETS[name].displayName} train split from ${dir}`);

  if (subset === null) return images;
  try {
    return takeSubset(images, subset);
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
}

function defaultRunFolder(dataset: DatasetName, preset: PresetName): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return path.resolve('runs', `${dataset}-${preset}-${stamp}`);
}

interface PreparedRun {
  readonly run: RunFolder;
  readonly config: RunConfig;
  readonly model: DimModel;
  readonly images: ImageSet;
  readonly start: LoopState;
  readonly previousEpochs: EpochMetrics[];
}

async function prepareNewRun(options: TrainOptions, logger: Logger): Promise<PreparedRun> {
  const subset = subsetSpec(options);
  const dataDir = path.resolve(options.dataDir ?? DATASETS[options.dataset].defaultDir);
  const run = new RunFolder(path.resolve(options.out ?? defaultRunFolder(options.dataset, options.preset)));
  if (await run.hasConfig()) {
    throw new UsageError(`Run folder ${run.dir} already contains a run. Continue it with --resume ${run.dir}, or pass another --out.`);
  }
  if (options.microBatchSize !== undefined && options.microBatchSize > options.batchSize) {
    throw new UsageError(`--micro-batch-size ${options.microBatchSize} exceeds --batch-size ${options.batchSize}. Pass a value up to the batch size.`);
  }

  const images = await loadTrainingImages(options.dataset, dataDir, options.download, subset, logger);
  if (images.count < options.batchSize) {
    throw new UsageError(`--batch-size ${options.batchSize} exceeds the ${images.count} training images. Lower --batch-size or use more images.`);
  }

  let model: DimModel;
  try {
    model = createDimModel({
      preset: options.preset,
      embeddingDim: options.embeddingDim,
      alpha: options.alpha,
      beta: options.beta,
      gamma: options.gamma,
      learningRate: options.learningRate,
      inputShape: [images.height, images.width, images.channels],
      ...(options.seed === undefined ? {} : { seed: options.seed }),
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }

  const config: RunConfig = {
    dataset: { name: options.dataset, dir: dataDir, subset, imageCount: images.count },
    model: model.config,
    training: {
      epochs: options.epochs,
      batchSize: options.batchSize,
      seed: model.config.seed,
      checkpointEveryEpochs: options.checkpointEvery,
      keepCheckpoints: options.keepCheckpoints,
      ...(options.microBatchSize === undefined ? {} : { microBatchSize: options.microBatchSize }),
    },
    createdAt: new Date().toISOString(),
  };
  await run.create();
  await run.writeConfig(config);
  return { run, config, model, images, start: initialLoopState(), previousEpochs: [] };
}

function checkResumeOptions(options: TrainOptions, explicit: Set<string>, config: RunConfig, run: RunFolder): void {
  for (const [name, stored] of Object.entries(RUN_DEFINING_OPTIONS) as [keyof typeof RUN_DEFINING_OPTIONS, (c: RunConfig) => unknown][]) {
    if (!explicit.has(name)) continue;
    const requested = options[name];
    if (requested !== stored(config)) {
      throw new UsageError(
        `${FLAG_NAMES[name]} ${String(requested)} differs from the value ${String(stored(config))} stored in ${run.path('config.json')}. ` +
          `A resumed run keeps its settings, so drop ${FLAG_NAMES[name]} or start a new run with --out.`,
      );
    }
  }
  if (explicit.has('out') && path.resolve(options.out!) !== run.dir) {
    throw new UsageError(`--out ${options.out} differs from the run folder ${run.dir} of --resume. Drop --out when resuming.`);
  }
}

async function prepareResumedRun(options: TrainOptions, explicit: Set<string>, logger: Logger): Promise<PreparedRun> {
  let resolved: { run: RunFolder; checkpoint: CheckpointEntry };
  try {
    resolved = await resolveCheckpoint(options.resume!);
  } catch (error) {
    throw new UsageError(`Invalid --resume ${options.resume}: ${(error as Error).message}`);
  }
  const { run, checkpoint } = resolved;
  const stored = await run.readConfig<RunConfig>();
  checkResumeOptions(options, explicit, stored, run);

  const epochs = explicit.has('epochs') ? options.epochs : stored.training.epochs;
  const microBatchSize = explicit.has('microBatchSize') ? options.microBatchSize : stored.training.microBatchSize;
  const config: RunConfig = {
    ...stored,
    dataset: { ...stored.dataset, dir: options.dataDir ? path.resolve(options.dataDir) : stored.dataset.dir },
    training: {
      ...stored.training,
      epochs,
      checkpointEveryEpochs: explicit.has('checkpointEvery') ? options.checkpointEvery : stored.training.checkpointEveryEpochs,
      keepCheckpoints: explicit.has('keepCheckpoints') ? options.keepCheckpoints : stored.training.keepCheckpoints,
      ...(microBatchSize === undefined ? {} : { microBatchSize }),
    },
  };

  const images = await loadTrainingImages(config.dataset.name, config.dataset.dir, options.download, config.dataset.subset, logger);
  if (images.count !== stored.dataset.imageCount) {
    throw new UsageError(
      `The data in ${config.dataset.dir} gives ${images.count} training images, but the run was trained on ${stored.dataset.imageCount}. ` +
        'Point --data-dir at the same data set files as the original run.',
    );
  }

  const model = await readCheckpointModel(checkpoint.dir);
  // Later checkpoints belong to the abandoned continuation, and keeping them would let a
  // future --resume of the run folder pick one of them instead of the new ones.
  for (const removed of await run.pruneCheckpointsAfter(checkpoint.state.globalStep)) {
    logger.warn({ checkpoint: removed }, `Removed checkpoint ${removed}, which lies after the resume point`);
  }
  await run.truncateAfter(checkpoint.state);
  await run.writeConfig(config);

  logger.info(
    { checkpoint: checkpoint.dir, epoch: checkpoint.state.epoch, step: checkpoint.state.step },
    `Resuming ${run.dir} from ${checkpoint.dir} (epoch ${checkpoint.state.epoch} finished, ${checkpoint.state.step} steps into the next)`,
  );
  return { run, config, model, images, start: checkpoint.state, previousEpochs: await run.readMetrics() };
}

/** Runs the `train` command: prepares or resumes a run, trains, and writes its files. */
export async function runTrain(options: TrainOptions, command: Command, logger: Logger): Promise<void> {
  const explicit = explicitOptions(command);
  if (options.resume === undefined) subsetSpec(options);

  // The backend comes first because creating or loading a model allocates tensors on it.
  const backend = await selectBackend({ backend: options.backend, log: backendLogger(logger) });
  const prepared = options.resume === undefined ? await prepareNewRun(options, logger) : await prepareResumedRun(options, explicit, logger);
  const { run, config, model, images, start } = prepared;

  if (start.epoch >= config.training.epochs) {
    logger.warn(`Run ${run.dir} has already finished ${start.epoch} epochs. Pass --epochs greater than ${start.epoch} to train further.`);
    return;
  }

  const steps = stepsPerEpoch(images.count, config.training.batchSize);
  logger.info(
    { runDir: run.dir, backend: backend.name, config, stepsPerEpoch: steps },
    `Training ${config.model.preset} preset on ${images.count} ${config.dataset.name} images for ${config.training.epochs} epochs ` +
      `(${steps} steps of ${config.training.batchSize} images an epoch) on backend ${backend.name}; run folder ${run.dir}`,
  );

  // An estimate from layer shapes (multiply-adds of convolutions and matrix products),
  // logged so throughput on different presets and devices can be compared.
  const stepFlopsPerImage = flopsPerImage(config.model.preset, {
    embeddingDim: config.model.embeddingDim,
    inputShape: config.model.inputShape,
  }).trainingStep;

  const epochs = [...prepared.previousEpochs];
  const progress = new TrainingProgress(logger);
  let stopRequested = false;
  const onSignal = () => {
    if (stopRequested) {
      logger.warn('Second interrupt: exiting without saving a checkpoint');
      process.exit(130);
    }
    stopRequested = true;
    progress.stop();
    logger.warn('Interrupted: saving a checkpoint after the current step. Press Ctrl+C again to exit at once.');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let lastProgressWrite = 0;
  const writeProgress = async (state: LoopState, status: 'running' | 'finished' | 'stopped' | 'failed', extra: { loss?: number; imagesPerSecond?: number; message?: string } = {}) => {
    lastProgressWrite = Date.now();
    // While running, or when stopped mid-epoch, the epoch shown is the one in progress.
    const inProgress = status === 'running' || state.step > 0;
    await run.writeProgress({
      epoch: inProgress ? Math.min(state.epoch + 1, config.training.epochs) : state.epoch,
      totalEpochs: config.training.epochs,
      step: state.step,
      stepsPerEpoch: steps,
      globalStep: state.globalStep,
      state: status,
      done: status === 'finished',
      ...extra,
    });
  };

  const saveCheckpoint = async (state: LoopState, reason: CheckpointReason) => {
    progress.stop();
    const dir = await writeCheckpoint(run, model, state);
    logger.info({ checkpoint: dir, epoch: state.epoch, step: state.step, reason }, `Wrote checkpoint ${dir}`);
    if (config.training.keepCheckpoints > 0) {
      for (const removed of await run.pruneCheckpoints(config.training.keepCheckpoints)) {
        logger.info({ checkpoint: removed }, `Removed old checkpoint ${removed} (--keep-checkpoints ${config.training.keepCheckpoints})`);
      }
    }
  };

  let currentState = start;
  try {
    await writeProgress(start, 'running');
    const result = await runTrainingLoop({
      images,
      epochs: config.training.epochs,
      batchSize: config.training.batchSize,
      seed: config.training.seed,
      trainStep: createDimTrainStep(model, config.training.microBatchSize),
      checkpoint: { everyEpochs: config.training.checkpointEveryEpochs, save: saveCheckpoint },
      start,
      shouldStop: () => stopRequested,
      onEpochStart: async (epoch, stepCount, state) => {
        progress.startEpoch(epoch, config.training.epochs, stepCount, state.step);
      },
      onStep: async (event) => {
        currentState = event.state;
        progress.update(event);
        await run.appendStep({
          epoch: event.epoch,
          step: event.step,
          globalStep: event.globalStep,
          images: event.images,
          seconds: event.seconds,
          losses: event.losses,
        });
        if (Date.now() - lastProgressWrite >= PROGRESS_WRITE_INTERVAL_MS) {
          await writeProgress(event.state, 'running', {
            loss: event.state.partial.lossSums.total / event.state.partial.steps,
            imagesPerSecond: event.state.partial.images / event.state.partial.seconds,
          });
        }
      },
      onEpoch: async (metrics, state) => {
        currentState = state;
        progress.stop();
        epochs.push(metrics);
        await run.writeMetrics(epochs);
        await writeProgress(state, 'running', { loss: metrics.losses.total, imagesPerSecond: metrics.imagesPerSecond });
        const { losses } = metrics;
        const estimatedGflops = (metrics.imagesPerSecond * stepFlopsPerImage) / 1e9;
        logger.info(
          { epoch: metrics.epoch, losses, imagesPerSecond: metrics.imagesPerSecond, estimatedGflops, seconds: metrics.seconds },
          `Epoch ${metrics.epoch}/${config.training.epochs}: loss ${losses.total.toFixed(4)} ` +
            `(local ${losses.local.toFixed(4)}, global ${losses.global.toFixed(4)}, prior ${losses.prior.toFixed(4)}, ` +
            `discriminator ${losses.discriminator.toFixed(4)}), ${metrics.imagesPerSecond.toFixed(1)} img/s ` +
            `(about ${estimatedGflops.toFixed(1)} GFLOP/s), ${metrics.seconds.toFixed(1)} s`,
        );
      },
    });
    progress.stop();

    const status = result.stopped ? 'stopped' : 'finished';
    await writeProgress(result.state, status);
    if (result.stopped) {
      logger.warn(`Stopped at epoch ${result.state.epoch + 1}, step ${result.state.step}. Continue with: train --resume ${run.dir}`);
    } else {
      logger.info({ runDir: run.dir }, `Finished ${config.training.epochs} epochs; run folder ${run.dir}`);
    }
    process.stdout.write(`${JSON.stringify({ runDir: run.dir, stopped: result.stopped, state: result.state, epochs: result.epochs })}\n`);
    if (result.stopped) process.exitCode = 130;
  } catch (error) {
    progress.stop();
    await writeProgress(currentState, 'failed', { message: (error as Error).message }).catch(() => undefined);
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
