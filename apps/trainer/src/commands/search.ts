import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

import {
  DATASETS,
  DatasetFormatError,
  DatasetNotFoundError,
  imagePixels,
  loadImageSet,
  takeSubset,
  type ImageSet,
  type Split,
} from '@dim/dataset';
import { BACKEND_CHOICES, DEFAULT_EMBED_BATCH_SIZE, disposeModel, selectBackend, type BackendChoice, type DimModel } from '@dim/dim-model';
import { Command, InvalidArgumentError, Option } from 'commander';

import { searchRun } from '../database/search-run';
import { drawNeighbourFigure, type FigureTile } from '../figure/neighbour-figure';
import type { Logger } from '../logger';
import { choiceOption, integerOption, UsageError } from '../options';
import { readCachedEmbeddings, writeCachedEmbeddings, type EmbeddingCacheKey } from '../retrieval/embedding-cache';
import { embedImageSet } from '../retrieval/embed-image-set';
import { rankByDistance, type Neighbour } from '../retrieval/rank-by-distance';
import { readCheckpointModel } from '../training/checkpoint-io';
import type { RunConfig } from '../training/run-config';
import { resolveCheckpoint, type ResolvedCheckpoint } from '../training/run-folder';
import { backendLogger } from './backend-log';

const SPLITS: readonly Split[] = ['train', 'test'];
const POOLS = ['split', 'all'] as const;
type Pool = (typeof POOLS)[number];

export interface SearchOptions {
  readonly checkpoint?: string;
  readonly index?: number;
  readonly run?: number | 'latest';
  readonly imageId?: number;
  readonly databaseUrl?: string;
  readonly split: Split;
  readonly pool: Pool;
  readonly k: number;
  readonly out?: string;
  readonly scale: number;
  readonly dataDir?: string;
  readonly backend: BackendChoice;
  readonly batchSize: number;
  readonly limit?: number;
}

export function createSearchCommand(run: (options: SearchOptions) => Promise<void>): Command {
  return new Command('search')
    .description(
      'Find the images nearest to and farthest from a query image by L2 distance between embeddings, ' +
        'and draw them as a PNG figure. With --checkpoint the embeddings are computed from files and cached in the run folder; ' +
        'with --run they are read from the database, where `embed` or the worker stored them.',
    )
    .option('--checkpoint <path>', 'run folder (uses its newest checkpoint) or checkpoint folder')
    .option('--index <n>', 'with --checkpoint: index of the query image within --split', integerOption('--index', 0))
    .option('--run <id>', "search the database: training run id, or 'latest' for the newest completed run of the query's data set", runOption)
    .option('--image-id <id>', 'with --run: id of the query image in the images table', integerOption('--image-id', 1))
    .option('--database-url <url>', 'with --run: PostgreSQL connection string (env DATABASE_URL; default: the embedded database)')
    .addOption(new Option('--split <name>', 'split that contains the query image').argParser(choiceOption('--split', SPLITS)).default('test'))
    .addOption(
      new Option('--pool <name>', "images to rank: 'split' searches the query's split, 'all' searches train and test together")
        .argParser(choiceOption('--pool', POOLS))
        .default('split'),
    )
    .option('--k <n>', 'number of nearest and of farthest images to show', integerOption('--k', 1), 10)
    .option('--out <file>', 'PNG file to write (default: <run folder>/search-<split>-<index>.png, or search-run-<run>-image-<id>.png with --run)')
    .option('--scale <n>', 'integer enlargement of each image in the figure', integerOption('--scale', 1), 4)
    .option('--data-dir <dir>', 'data set folder (default: the folder the run was trained from)')
    .addOption(
      new Option('--backend <name>', 'TensorFlow.js backend used to compute embeddings')
        .argParser(choiceOption('--backend', BACKEND_CHOICES))
        .default('auto'),
    )
    .option('--batch-size <n>', 'images encoded at a time', integerOption('--batch-size', 1), DEFAULT_EMBED_BATCH_SIZE)
    .option('--limit <n>', 'search only the first n images of each split, for quick checks on slow backends', integerOption('--limit', 2))
    .action(async (options: SearchOptions) => run(options));
}

async function loadSplit(config: RunConfig, dir: string, split: Split, limit: number | undefined): Promise<ImageSet> {
  try {
    const images = await loadImageSet({ name: config.dataset.name, dir, split });
    return limit === undefined || limit >= images.count ? images : takeSubset(images, { total: limit });
  } catch (error) {
    if (error instanceof DatasetNotFoundError || error instanceof DatasetFormatError) {
      throw new UsageError(`${error.message} Pass the data set folder with --data-dir.`);
    }
    throw error;
  }
}

/** One split's images with their embeddings, and where its rows start in the search pool. */
interface EncodedSplit {
  readonly split: Split;
  readonly images: ImageSet;
  readonly embeddings: Float32Array;
  readonly offset: number;
}

/** Loads the checkpoint's model at most once, and only if some embeddings are not cached. */
class LazyModel {
  private model: DimModel | undefined;

  constructor(
    private readonly dir: string,
    private readonly backend: BackendChoice,
    private readonly logger: Logger,
  ) {}

  async get(): Promise<DimModel> {
    if (this.model === undefined) {
      await selectBackend({ backend: this.backend, log: backendLogger(this.logger) });
      this.model = await readCheckpointModel(this.dir);
      this.logger.info({ checkpoint: this.dir }, `Loaded model from ${this.dir}`);
    }
    return this.model;
  }

  dispose(): void {
    if (this.model !== undefined) disposeModel(this.model);
  }
}

async function embeddingsFor(
  resolved: ResolvedCheckpoint,
  config: RunConfig,
  images: ImageSet,
  lazyModel: LazyModel,
  batchSize: number,
  logger: Logger,
): Promise<Float32Array> {
  const key: EmbeddingCacheKey = {
    dataset: config.dataset.name,
    split: images.split,
    count: images.count,
    dimension: config.model.embeddingDim,
    checkpoint: path.relative(resolved.run.dir, resolved.checkpoint.dir),
    globalStep: resolved.checkpoint.state.globalStep,
  };
  const cached = await readCachedEmbeddings(resolved.run, key);
  if ('values' in cached) {
    logger.info({ split: images.split, count: images.count }, `Using cached embeddings of the ${images.split} split`);
    return cached.values;
  }

  logger.info({ split: images.split, reason: cached.reason }, `Computing embeddings of ${images.count} ${images.split} images (${cached.reason})`);
  const model = await lazyModel.get();
  const started = performance.now();
  let lastLog = started;
  const values = await embedImageSet(model, images, batchSize, (done, total) => {
    if (performance.now() - lastLog > 10_000) {
      lastLog = performance.now();
      logger.info(`Encoded ${done}/${total} ${images.split} images`);
    }
  });
  const seconds = (performance.now() - started) / 1000;
  logger.info(
    { split: images.split, seconds, imagesPerSecond: images.count / seconds },
    `Encoded ${images.count} ${images.split} images in ${seconds.toFixed(1)} s (${(images.count / seconds).toFixed(1)} img/s)`,
  );

  await writeCachedEmbeddings(resolved.run, key, values);
  logger.info(`Cached embeddings in ${resolved.run.dir}`);
  return values;
}

function concatRows(splits: readonly EncodedSplit[]): Float32Array {
  const total = splits.reduce((sum, entry) => sum + entry.embeddings.length, 0);
  if (splits.length === 1) return splits[0].embeddings;
  const values = new Float32Array(total);
  let offset = 0;
  for (const entry of splits) {
    values.set(entry.embeddings, offset);
    offset += entry.embeddings.length;
  }
  return values;
}

/** A pool row translated back to its split, index within the split and class. */
interface ResultImage {
  readonly split: Split;
  readonly index: number;
  readonly label: number;
  readonly className: string;
  readonly distance?: number;
}

function locate(splits: readonly EncodedSplit[], row: number, distance?: number): ResultImage & { images: ImageSet } {
  const entry = splits.find((candidate) => row >= candidate.offset && row < candidate.offset + candidate.images.count)!;
  const index = row - entry.offset;
  const label = entry.images.labels[index];
  return {
    split: entry.split,
    index,
    label,
    className: entry.images.classNames[label],
    ...(distance === undefined ? {} : { distance }),
    images: entry.images,
  };
}

function runOption(value: string): number | 'latest' {
  if (value === 'latest') return value;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(parsed) || parsed < 1) {
    throw new InvalidArgumentError(`--run must be a run id (an integer of at least 1) or 'latest', got '${value}'.`);
  }
  return parsed;
}

/** Runs the `search` command: from the database with --run, from files with --checkpoint. */
export async function runSearch(options: SearchOptions, logger: Logger): Promise<void> {
  if (options.checkpoint !== undefined && options.run !== undefined) {
    throw new UsageError('--checkpoint and --run cannot be combined: pass --checkpoint to search from files, or --run to search the database.');
  }
  if (options.run !== undefined) {
    if (options.imageId === undefined) throw new UsageError("required option '--image-id <id>' not specified: --run needs the query's image id.");
    if (options.index !== undefined) throw new UsageError('--index selects the query of --checkpoint; with --run pass --image-id.');
    // The other file-search options have defaults and are ignored with --run; these two have
    // none, so passing them is a sign of a mixed-up command.
    if (options.dataDir !== undefined || options.limit !== undefined) {
      throw new UsageError('--data-dir and --limit apply only with --checkpoint; --run reads the embeddings and pixels from the database.');
    }
    return searchRun({ run: options.run, imageId: options.imageId, k: options.k, scale: options.scale, out: options.out, databaseUrl: options.databaseUrl }, logger);
  }
  if (options.checkpoint === undefined) {
    throw new UsageError("required option '--checkpoint <path>' not specified (or pass --run and --image-id to search the database).");
  }
  if (options.index === undefined) throw new UsageError("required option '--index <n>' not specified: --checkpoint needs the query's index.");
  if (options.imageId !== undefined || options.databaseUrl !== undefined) {
    throw new UsageError('--image-id and --database-url apply only with --run.');
  }
  return searchFiles({ ...options, checkpoint: options.checkpoint, index: options.index }, logger);
}

/** Searches with a checkpoint and the data set files, caching the embeddings in the run folder. */
async function searchFiles(options: SearchOptions & { readonly checkpoint: string; readonly index: number }, logger: Logger): Promise<void> {
  let resolved: ResolvedCheckpoint;
  try {
    resolved = await resolveCheckpoint(options.checkpoint);
  } catch (error) {
    throw new UsageError(`Invalid --checkpoint ${options.checkpoint}: ${(error as Error).message}`);
  }
  const config = await resolved.run.readConfig<RunConfig>();
  const dataDir = path.resolve(options.dataDir ?? config.dataset.dir);
  logger.info(
    { checkpoint: resolved.checkpoint.dir, epoch: resolved.checkpoint.state.epoch, dataset: config.dataset.name },
    `Searching with checkpoint ${resolved.checkpoint.dir}`,
  );

  const splitsToLoad = options.pool === 'all' ? SPLITS : [options.split];
  const query = await loadSplit(config, dataDir, options.split, options.limit);
  if (options.index >= query.count) {
    const limited = options.limit === undefined ? '' : ` with --limit ${options.limit}`;
    throw new UsageError(
      `--index ${options.index} is out of range: the ${options.split} split has ${query.count} images${limited} (valid: 0 to ${query.count - 1}).`,
    );
  }

  const lazyModel = new LazyModel(resolved.checkpoint.dir, options.backend, logger);
  const splits: EncodedSplit[] = [];
  try {
    let offset = 0;
    for (const split of splitsToLoad) {
      const images = split === options.split ? query : await loadSplit(config, dataDir, split, options.limit);
      const embeddings = await embeddingsFor(resolved, config, images, lazyModel, options.batchSize, logger);
      splits.push({ split, images, embeddings, offset });
      offset += images.count;
    }
  } finally {
    lazyModel.dispose();
  }

  const matrix = { values: concatRows(splits), dimension: config.model.embeddingDim };
  const queryRow = splits.find((entry) => entry.split === options.split)!.offset + options.index;
  const started = performance.now();
  const nearest = rankByDistance(matrix, queryRow, options.k, 'nearest');
  const farthest = rankByDistance(matrix, queryRow, options.k, 'farthest');
  const poolSize = splits.reduce((sum, entry) => sum + entry.images.count, 0);
  logger.info(`Ranked ${poolSize} images in ${(performance.now() - started).toFixed(0)} ms`);

  const queryImage = locate(splits, queryRow);
  const toTile = (neighbour: Neighbour): FigureTile => {
    const image = locate(splits, neighbour.index, neighbour.distance);
    return {
      pixels: imagePixels(image.images, image.index),
      lines: [image.className, `d=${neighbour.distance.toFixed(2)}`, `${image.split} #${image.index}`],
    };
  };

  const poolText = options.pool === 'all' ? 'train+test' : options.split;
  const figure = drawNeighbourFigure({
    imageHeight: query.height,
    imageWidth: query.width,
    channels: query.channels,
    scale: options.scale,
    title:
      `${DATASETS[config.dataset.name].displayName} ${options.split} #${options.index} (${queryImage.className}) among ` +
      `${poolSize} ${poolText} images, ${config.model.preset} preset, epoch ${resolved.checkpoint.state.epoch}`,
    query: { pixels: imagePixels(query, options.index), lines: [queryImage.className, 'query', `${options.split} #${options.index}`] },
    nearest: nearest.map(toTile),
    farthest: farthest.map(toTile),
  });

  const out = path.resolve(options.out ?? resolved.run.path(`search-${options.split}-${options.index}.png`));
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, figure);
  logger.info({ figure: out }, `Wrote figure ${out}`);

  const describe = (neighbour: Neighbour) => {
    const { images: _images, ...image } = locate(splits, neighbour.index, neighbour.distance);
    return image;
  };
  const { images: _queryImages, ...queryResult } = queryImage;
  process.stdout.write(
    `${JSON.stringify({ figure: out, checkpoint: resolved.checkpoint.dir, query: queryResult, nearest: nearest.map(describe), farthest: farthest.map(describe) })}\n`,
  );
}
