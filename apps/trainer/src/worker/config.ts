import { access } from 'node:fs/promises';
import path from 'node:path';

import { DATASETS, DatasetNotFoundError, ensureCifar10, FASHION_MNIST_FILES, type DatasetName } from '@dim/dataset';
import { BACKEND_CHOICES, PRESETS, type BackendChoice, type PresetName } from '@dim/dim-model';

/**
 * The configuration of a training run as startTraining stores it in training_runs.config.
 * Field names and defaults match StartTrainingInput in apps/api/schema.graphql.
 */
export interface TrainingJobConfig {
  readonly datasetName: DatasetName;
  readonly preset: PresetName;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly alpha: number;
  readonly beta: number;
  readonly gamma: number;
  readonly embeddingDim: number;
  /** Images of the train split used for training; null trains on the whole split. */
  readonly subsetSize: number | null;
  readonly seed: number;
  /** Save a checkpoint every this many epochs; the last epoch is always saved. */
  readonly checkpointEvery: number;
  /** TensorFlow.js backend; null lets the worker pick the fastest available one. */
  readonly backend: BackendChoice | null;
}

export const TRAINING_CONFIG_DEFAULTS: TrainingJobConfig = {
  datasetName: 'cifar10',
  preset: 'paper',
  epochs: 2,
  batchSize: 64,
  learningRate: 1e-4,
  alpha: 0.5,
  beta: 1,
  gamma: 0.1,
  embeddingDim: 64,
  subsetSize: null,
  seed: 1,
  checkpointEvery: 1,
  backend: null,
};

const CONFIG_KEYS = Object.keys(TRAINING_CONFIG_DEFAULTS) as (keyof TrainingJobConfig)[];

/** A training configuration failed validation; `problems` lists every invalid field. */
export class InvalidTrainingConfigError extends Error {
  override readonly name = 'InvalidTrainingConfigError';

  constructor(readonly problems: readonly string[]) {
    super(`Invalid training configuration: ${problems.join(' ')}`);
  }
}

export interface ValidateTrainingConfigOptions {
  /**
   * The workers' data folder; the data set must be present there. A caller without access
   * to it (an API server on another machine) leaves it out, and the presence check then
   * happens only in the worker, which fails the run when the data set is missing.
   */
  readonly dataDir?: string;
}

/**
 * Validates a training configuration and returns it with unset fields filled from
 * TRAINING_CONFIG_DEFAULTS. The API calls this before queueing a run and the worker again
 * after claiming one, because the data folder may have changed in between. Raises
 * InvalidTrainingConfigError listing every problem, not only the first, so one request fixes
 * them all.
 */
export async function validateTrainingConfig(
  input: unknown,
  options: ValidateTrainingConfigOptions,
): Promise<TrainingJobConfig> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidTrainingConfigError([`The configuration must be a JSON object, got ${describe(input)}.`]);
  }

  const raw = input as Record<string, unknown>;
  const problems: string[] = [];
  const unknownKeys = Object.keys(raw).filter((key) => !(CONFIG_KEYS as string[]).includes(key));
  if (unknownKeys.length > 0) {
    problems.push(`Unknown field(s) ${unknownKeys.join(', ')}; valid fields are ${CONFIG_KEYS.join(', ')}.`);
  }

  // null and undefined both mean "use the default", as they do for GraphQL input fields.
  const value = <K extends keyof TrainingJobConfig>(key: K): unknown => raw[key] ?? TRAINING_CONFIG_DEFAULTS[key];
  const config = Object.fromEntries(CONFIG_KEYS.map((key) => [key, value(key)])) as unknown as TrainingJobConfig;

  if (!Object.prototype.hasOwnProperty.call(DATASETS, config.datasetName)) {
    problems.push(`Unknown data set ${describe(config.datasetName)}; expected one of ${Object.keys(DATASETS).join(', ')}.`);
  }
  if (!Object.prototype.hasOwnProperty.call(PRESETS, config.preset)) {
    problems.push(`Unknown preset ${describe(config.preset)}; expected one of ${Object.keys(PRESETS).join(', ')}.`);
  }
  checkInteger(problems, 'epochs', config.epochs, 1);
  checkInteger(problems, 'batchSize', config.batchSize, 2, 'batch norm and the shuffled negative pairs of the DIM losses need at least 2 images');
  checkInteger(problems, 'embeddingDim', config.embeddingDim, 1);
  checkInteger(problems, 'checkpointEvery', config.checkpointEvery, 1);
  checkInteger(problems, 'seed', config.seed, Number.MIN_SAFE_INTEGER);
  if (typeof config.learningRate !== 'number' || !Number.isFinite(config.learningRate) || config.learningRate <= 0) {
    problems.push(`learningRate must be a finite number > 0, got ${describe(config.learningRate)}.`);
  }
  for (const weight of ['alpha', 'beta', 'gamma'] as const) {
    if (typeof config[weight] !== 'number' || !Number.isFinite(config[weight]) || config[weight] < 0) {
      problems.push(`${weight} must be a finite number >= 0, got ${describe(config[weight])}.`);
    }
  }
  if (config.backend !== null && !(BACKEND_CHOICES as readonly unknown[]).includes(config.backend)) {
    problems.push(`Unknown backend ${describe(config.backend)}; expected one of ${BACKEND_CHOICES.join(', ')}, or null.`);
  }
  checkSubsetSize(problems, config);

  if (problems.length === 0 && options.dataDir !== undefined) {
    const missing = await findMissingDataset(config.datasetName, options.dataDir);
    if (missing !== null) problems.push(missing);
  }
  if (problems.length > 0) throw new InvalidTrainingConfigError(problems);
  return config;
}

/**
 * Returns the folder a data set is read from under the worker's data folder. CIFAR-10 is found by
 * ensureCifar10 inside the data folder itself (cifar-10-batches-bin/ or the .tar.gz), and
 * Fashion-MNIST's four IDX files live in a fashion-mnist/ subfolder.
 */
export function datasetDir(name: DatasetName, dataDir: string): string {
  return name === 'fashion-mnist' ? path.join(dataDir, 'fashion-mnist') : dataDir;
}

async function findMissingDataset(name: DatasetName, dataDir: string): Promise<string | null> {
  const dir = datasetDir(name, dataDir);
  if (name === 'cifar10') {
    try {
      await ensureCifar10({ dir, download: false });
      return null;
    } catch (error) {
      if (error instanceof DatasetNotFoundError) return `Data set cifar10 is not present: ${error.message}`;
      throw error;
    }
  }

  const baseNames = Object.values(FASHION_MNIST_FILES).flatMap((files) => [files.images, files.labels]);
  const missing: string[] = [];
  for (const baseName of baseNames) {
    if (!(await existsEither(path.join(dir, `${baseName}.gz`), path.join(dir, baseName)))) missing.push(baseName);
  }
  if (missing.length === 0) return null;
  return `Data set fashion-mnist is not present: ${dir} lacks ${missing.join(', ')} (gzipped or not). ${DATASETS['fashion-mnist'].obtain}`;
}

function checkSubsetSize(problems: string[], config: TrainingJobConfig): void {
  if (config.subsetSize === null) return;
  if (!checkInteger(problems, 'subsetSize', config.subsetSize, 2)) return;

  if (typeof config.batchSize === 'number' && config.subsetSize < config.batchSize) {
    problems.push(`subsetSize ${config.subsetSize} is smaller than batchSize ${config.batchSize}; an epoch would have no full batch.`);
  }
  const info = DATASETS[config.datasetName];
  if (info && config.subsetSize > info.trainCount) {
    problems.push(`subsetSize ${config.subsetSize} exceeds the ${info.trainCount} train images of ${config.datasetName}.`);
  }
}

function checkInteger(problems: string[], name: string, value: unknown, min: number, reason?: string): boolean {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min) return true;

  const bound = min === Number.MIN_SAFE_INTEGER ? 'an integer' : `an integer >= ${min}`;
  problems.push(`${name} must be ${bound}, got ${describe(value)}${reason ? ` (${reason})` : ''}.`);
  return false;
}

async function existsEither(...files: string[]): Promise<boolean> {
  for (const file of files) {
    try {
      await access(file);
      return true;
    } catch {
      // Try the next name.
    }
  }
  return false;
}

function describe(value: unknown): string {
  return value === undefined ? 'undefined' : JSON.stringify(value);
}
