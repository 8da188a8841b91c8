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
import { createDimModel, type DimModel, type PresetName } from '@dim/dim-model';

import type { Logger } from '../logger';
import { UsageError } from '../options';
import { readCheckpointModel } from '../training/checkpoint-io';
import type { RunConfig, SubsetSpec } from '../training/run-config';
import { resolveCheckpoint, RunFolder, type CheckpointEntry } from '../training/run-folder';
import { initialLoopState, type EpochMetrics, type LoopState } from '../training/types';
import { FLAG_NAMES, RUN_DEFINING_OPTIONS, subsetSpec, type TrainOptions } from './train-options';

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

export interface PreparedRun {
  readonly run: RunFolder;
  readonly config: RunConfig;
  readonly model: DimModel;
  readonly images: ImageSet;
  readonly start: LoopState;
  readonly previousEpochs: EpochMetrics[];
}

export async function prepareNewRun(options: TrainOptions, logger: Logger): Promise<PreparedRun> {
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

export async function prepareResumedRun(options: TrainOptions, explicit: Set<string>, logger: Logger): Promise<PreparedRun> {
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
