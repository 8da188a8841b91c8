/**
 * Measures retrieval quality on CIFAR-10 (test split searched in the train split, L2): kNN
 * accuracy at k = 20 and 200 and precision@10, for raw pixels, an untrained encoder and,
 * with --checkpoint, a trained one. Prints one JSON document and then a markdown table on
 * stdout. Progress goes to stderr.
 *
 *   npx tsx tools/src/bench/retrieval-quality.ts --data-dir /path/to/cifar-10-batches-bin \
 *     [--subset 1000,5000] [--checkpoint runs/1/checkpoint] [--representations raw,untrained]
 */
import * as os from 'node:os';

import { Command, InvalidArgumentError } from 'commander';
import pino from 'pino';
import { DATASETS, loadImageSet, takeSubset, type ImageSet } from '@dim/dataset';
import { disposeModel, isPresetName, loadCheckpoint, selectBackend, type BackendChoice, type DimModel, type PresetName } from '@dim/dim-model';
import { createUntrainedModel, encoderVectors, evaluateRetrieval, rawPixelVectors, type RetrievalMetrics } from '@dim/evaluation';

const REPRESENTATIONS = ['raw', 'untrained', 'trained'] as const;
type Representation = (typeof REPRESENTATIONS)[number];

interface BenchOptions {
  dataDir: string;
  subset?: { test: number; train: number };
  checkpoint?: string;
  representations?: Representation[];
  preset: PresetName;
  seed: number;
  backend: BackendChoice;
  embedBatchSize: number;
}

interface BenchRow {
  representation: string;
  dim: number;
  metrics: RetrievalMetrics;
  /** Seconds spent producing the vectors of both splits (embedding or pixel scaling). */
  vectorSeconds: number;
  /** Images embedded a second, for encoder representations. */
  imagesPerSecond?: number;
  /** Seconds spent in evaluateRetrieval. */
  evaluationSeconds: number;
  /**
   * CPU seconds (user + system) of this process in evaluateRetrieval. On a shared machine the
   * wall time depends on other load, and this does much less.
   */
  evaluationCpuSeconds: number;
}

// Synchronous, because the search runs for minutes between awaits and would hold back async writes.
const logger = pino({ base: undefined }, pino.destination({ dest: 2, sync: true }));

function parseSubset(value: string): { test: number; train: number } {
  const match = /^(\d+),(\d+)$/.exec(value);
  if (match == null) {
    throw new InvalidArgumentError('Expected TEST,TRAIN image counts, e.g. 1000,5000.');
  }
  return { test: Number(match[1]), train: Number(match[2]) };
}

function parseRepresentations(value: string): Representation[] {
  return value.split(',').map((name) => {
    if (!(REPRESENTATIONS as readonly string[]).includes(name)) {
      throw new InvalidArgumentError(`Unknown representation '${name}'; valid values: ${REPRESENTATIONS.join(', ')}.`);
    }
    return name as Representation;
  });
}

function parsePreset(value: string): PresetName {
  if (!isPresetName(value)) {
    throw new InvalidArgumentError(`Unknown preset '${value}'.`);
  }
  return value;
}

function parsePositiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) {
    throw new InvalidArgumentError('Expected a positive integer.');
  }
  return parsed;
}

async function loadSplits(options: BenchOptions): Promise<{ train: ImageSet; test: ImageSet }> {
  let train = await loadImageSet({ name: 'cifar10', split: 'train', dir: options.dataDir });
  let test = await loadImageSet({ name: 'cifar10', split: 'test', dir: options.dataDir });
  if (options.subset) {
    // The first images in file order, so repeated quick checks use the same images.
    test = takeSubset(test, { total: options.subset.test });
    train = takeSubset(train, { total: options.subset.train });
  }
  return { train, test };
}

async function evaluate(
  representation: string,
  splits: { train: ImageSet; test: ImageSet },
  makeVectors: (set: ImageSet) => Promise<{ vectors: Float32Array; dim: number }>,
  isEncoder: boolean,
): Promise<BenchRow> {
  logger.info({ representation }, 'Computing vectors');
  const vectorStart = performance.now();
  const train = await makeVectors(splits.train);
  const test = await makeVectors(splits.test);
  const vectorSeconds = (performance.now() - vectorStart) / 1000;

  logger.info({ representation, dim: train.dim, vectorSeconds }, 'Evaluating retrieval');
  const evaluationStart = performance.now();
  const cpuStart = process.cpuUsage();
  const metrics = await evaluateRetrieval({
    train: { vectors: train.vectors, labels: splits.train.labels },
    test: { vectors: test.vectors, labels: splits.test.labels },
    dim: train.dim,
    onProgress: (done, total) => logger.info({ representation, done, total }, 'Searched test vectors'),
  });
  const evaluationSeconds = (performance.now() - evaluationStart) / 1000;
  const cpuUsage = process.cpuUsage(cpuStart);
  const evaluationCpuSeconds = (cpuUsage.user + cpuUsage.system) / 1e6;
  logger.info({ representation, metrics, evaluationSeconds, evaluationCpuSeconds }, 'Evaluated retrieval');

  const row: BenchRow = { representation, dim: train.dim, metrics, vectorSeconds: round(vectorSeconds), evaluationSeconds: round(evaluationSeconds),
    evaluationCpuSeconds: round(evaluationCpuSeconds),
  };
  if (isEncoder) row.imagesPerSecond = round((splits.train.count + splits.test.count) / vectorSeconds);
  return row;
}

function embedWith(model: DimModel, representation: string, batchSize: number): (set: ImageSet) => Promise<{ vectors: Float32Array; dim: number }> {
  return (set) =>
    encoderVectors(model, set, {
      batchSize,
      onProgress: (done, total) => {
        if (done === total || done % (batchSize * 20) === 0) logger.info({ representation, split: set.split, done, total }, 'Embedded images');
      },
    });
}

function round(value: number): number {
  return Number(value.toFixed(3));
}

function markdownTable(rows: readonly BenchRow[]): string {
  const lines = [
    '| representation | dim | kNN@20 | kNN@200 | P@10 | vectors (s) | images/s | evaluation (s) | evaluation CPU (s) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const row of rows) {
    const { knn20Accuracy, knn200Accuracy, precisionAt10 } = row.metrics;
    lines.push(
      `| ${row.representation} | ${row.dim} | ${knn20Accuracy.toFixed(4)} | ${knn200Accuracy.toFixed(4)} | ${precisionAt10.toFixed(4)} | ${row.vectorSeconds} | ${row.imagesPerSecond ?? '-'} | ${row.evaluationSeconds} | ${row.evaluationCpuSeconds} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const program = new Command()
    .name('retrieval-quality')
    .description('kNN accuracy (k = 20, 200) and precision@10 of CIFAR-10 test images searched in the train images by L2 distance.')
    .option('--data-dir <dir>', 'CIFAR-10 folder (cifar-10-batches-bin or the .tar.gz)', process.env.CIFAR10_DIR ?? DATASETS.cifar10.defaultDir)
    .option('--subset <test,train>', 'use only the first TEST test and TRAIN train images, e.g. 1000,5000 (TRAIN at least 200)', parseSubset)
    .option('--checkpoint <dir>', 'checkpoint folder of a trained run, adds the "trained" representation')
    .option('--representations <list>', `comma-separated subset of ${REPRESENTATIONS.join(', ')}; default raw,untrained plus trained with --checkpoint`, parseRepresentations)
    .option('--preset <name>', 'encoder preset of the untrained baseline', parsePreset, 'paper' as PresetName)
    .option('--seed <n>', 'weight initialisation seed of the untrained baseline', parsePositiveInteger, 1)
    .option('--backend <name>', 'TF.js backend: auto, tensorflow-gpu, tensorflow, wasm or cpu', 'wasm')
    .option('--embed-batch-size <n>', 'images embedded at a time', parsePositiveInteger, 256)
    .parse();
  const options = program.opts<BenchOptions>();

  const representations = options.representations ?? (options.checkpoint ? ['raw', 'untrained', 'trained'] : ['raw', 'untrained']);
  if (representations.includes('trained') && !options.checkpoint) {
    program.error('The "trained" representation needs --checkpoint <dir>.');
  }

  const backend = await selectBackend({ backend: options.backend, log: (level, message) => logger[level](message) });
  const splits = await loadSplits(options);
  logger.info({ test: splits.test.count, train: splits.train.count }, 'Loaded CIFAR-10');

  const rows: BenchRow[] = [];
  for (const representation of representations) {
    if (representation === 'raw') {
      rows.push(await evaluate('raw pixels', splits, async (set) => rawPixelVectors(set), false));
      continue;
    }

    const model = representation === 'untrained' ? createUntrainedModel(options.preset, options.seed) : (await loadCheckpoint(options.checkpoint as string)).model;
    const label = representation === 'untrained' ? `untrained ${options.preset} encoder (seed ${options.seed})` : `trained (${options.checkpoint})`;
    try {
      rows.push(await evaluate(label, splits, embedWith(model, label, options.embedBatchSize), true));
    } finally {
      disposeModel(model);
    }
  }

  const report = {
    dataset: 'cifar10',
    testImages: splits.test.count,
    trainImages: splits.train.count,
    backend,
    machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model, loadAverage1m: round(os.loadavg()[0]) },
    rows,
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n\n${markdownTable(rows)}\n`);
}

main().catch((error: unknown) => {
  logger.error({ err: error }, 'Retrieval benchmark failed');
  process.exitCode = 1;
});
