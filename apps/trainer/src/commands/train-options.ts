import { DATASETS, type DatasetName } from '@dim/dataset';
import { BACKEND_CHOICES, DEFAULT_CONFIG, PRESETS, type BackendChoice, type PresetName } from '@dim/dim-model';
import { Command, Option } from 'commander';

import { choiceOption, integerOption, numberOption, UsageError } from '../options';
import { MIN_BATCH_SIZE } from '../training/loop';
import type { RunConfig, SubsetSpec } from '../training/run-config';

const DATASET_NAMES = Object.keys(DATASETS) as DatasetName[];
const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

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
  /** Threads that train; undefined picks `defaultWorkerCount` of the backend. */
  readonly workers?: number;
  readonly resume?: string;
}

/**
 * Options that define a run. Resuming keeps the stored values, so passing one of these
 * with a different value together with --resume is an error rather than silently ignored.
 */
export const RUN_DEFINING_OPTIONS = {
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

export const FLAG_NAMES: Record<keyof typeof RUN_DEFINING_OPTIONS, string> = {
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
    .option(
      '--workers <n>',
      'threads that train, each with a model replica and a slice of every batch; wasm and cpu backends only (default: one per core on wasm and cpu, 1 on native backends)',
      integerOption('--workers', 1),
    )
    .option('--resume <path>', 'continue a run from its run folder (newest checkpoint) or from one checkpoint folder')
    .action(async (options: TrainOptions, command: Command) => run(options, command));
}


/** Returns the options the user typed, as opposed to defaults. */
export function explicitOptions(command: Command): Set<string> {
  const names = Object.keys(command.opts());
  return new Set(names.filter((name) => command.getOptionValueSource(name) === 'cli'));
}

export function subsetSpec(options: TrainOptions): SubsetSpec {
  if (options.subset !== undefined && options.subsetPerClass !== undefined) {
    throw new UsageError('--subset and --subset-per-class cannot be combined. Pass only one of them.');
  }
  if (options.subset !== undefined) return { total: options.subset };
  if (options.subsetPerClass !== undefined) return { perClass: options.subsetPerClass };
  return null;
}
