import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { DATASETS, type DatasetName } from '@dim/dataset';
import { DatabaseError, findNeighbours, type Neighbour, type PrismaClient } from '@dim/db';

import { drawNeighbourFigure, type FigureTile } from '../figure/neighbour-figure';
import type { Logger } from '../logger';
import { UsageError } from '../options';
import { openDatabase } from './connect';

export interface DatabaseSearchOptions {
  /** Training run whose embeddings are searched, or 'latest' for the newest completed run of the image's data set. */
  readonly run: number | 'latest';
  readonly imageId: number;
  readonly k: number;
  readonly scale: number;
  readonly out?: string;
  readonly databaseUrl?: string;
}

/** One image of the result: its id in the images table, where it sits in the data set, and its class. */
export interface SearchResultImage {
  readonly imageId: number;
  readonly split: 'train' | 'test';
  readonly index: number;
  readonly label: number;
  readonly className: string;
  readonly distance?: number;
}

interface StoredImage {
  readonly id: number;
  readonly split: 'train' | 'test';
  readonly indexInSplit: number;
  readonly label: number;
  readonly pixels: Uint8Array;
}

/**
 * Runs `search --run`: ranks a run's stored embeddings with findNeighbours (pgvector, L2
 * distance) and draws the figure from the pixels in the images table, so neither the
 * checkpoint nor the data set files are needed.
 */
export async function searchRun(options: DatabaseSearchOptions, logger: Logger): Promise<void> {
  const database = await openDatabase(options.databaseUrl, logger);
  try {
    await searchOpenDatabase(database.db, options, logger);
  } finally {
    await database.close();
  }
}

async function searchOpenDatabase(db: PrismaClient, options: DatabaseSearchOptions, logger: Logger): Promise<void> {
  const request = { imageId: options.imageId, k: options.k, ...(options.run === 'latest' ? {} : { runId: options.run }) };
  const started = performance.now();
  let nearest, farthest;
  try {
    nearest = await findNeighbours(db, { ...request, order: 'nearest' });
    // Pinned to the run the first query resolved, so 'latest' cannot change between the two.
    farthest = await findNeighbours(db, { ...request, runId: nearest.run.id, order: 'farthest' });
  } catch (error) {
    // Unknown image or run, a run not completed yet, or an image of another data set.
    if (error instanceof DatabaseError) throw new UsageError(`Search of image ${options.imageId} in run ${options.run} failed: ${error.message}.`);
    throw error;
  }
  const run = nearest.run;
  logger.info({ runId: run.id, seconds: (performance.now() - started) / 1000 }, `Ranked the ${run.embeddingCount} embeddings of run ${run.id}`);

  const dataset = await db.dataset.findUniqueOrThrow({ where: { id: run.datasetId } });
  const runRow = await db.trainingRun.findUniqueOrThrow({ where: { id: run.id }, select: { preset: true } });
  const ids = [options.imageId, ...nearest.neighbours.map((entry) => entry.imageId), ...farthest.neighbours.map((entry) => entry.imageId)];
  const rows = await db.image.findMany({
    where: { id: { in: ids } },
    select: { id: true, split: true, indexInSplit: true, label: true, pixels: true },
  });
  const imagesById = new Map<number, StoredImage>(rows.map((row) => [row.id, row]));

  const describe = (imageId: number, distance?: number): SearchResultImage => {
    const image = imagesById.get(imageId)!;
    return {
      imageId,
      split: image.split,
      index: image.indexInSplit,
      label: image.label,
      className: dataset.classNames[image.label] ?? String(image.label),
      ...(distance === undefined ? {} : { distance }),
    };
  };
  const toTile = (neighbour: Neighbour): FigureTile => {
    const image = describe(neighbour.imageId, neighbour.distance);
    return {
      pixels: imagesById.get(neighbour.imageId)!.pixels,
      lines: [image.className, `d=${neighbour.distance.toFixed(2)}`, `${image.split} #${image.index}`],
    };
  };

  const query = describe(options.imageId);
  const displayName = DATASETS[dataset.name as DatasetName]?.displayName ?? dataset.name;
  const figure = drawNeighbourFigure({
    imageHeight: dataset.height,
    imageWidth: dataset.width,
    channels: dataset.channels,
    scale: options.scale,
    title: `${displayName} ${query.split} #${query.index} (${query.className}) among ${run.embeddingCount} images, ${runRow.preset} preset, run ${run.id}`,
    query: { pixels: imagesById.get(options.imageId)!.pixels, lines: [query.className, 'query', `${query.split} #${query.index}`] },
    nearest: nearest.neighbours.map(toTile),
    farthest: farthest.neighbours.map(toTile),
  });

  const out = path.resolve(options.out ?? `search-run-${run.id}-image-${options.imageId}.png`);
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, figure);
  logger.info({ figure: out }, `Wrote figure ${out}`);

  const result = {
    figure: out,
    runId: run.id,
    query,
    nearest: nearest.neighbours.map((entry) => describe(entry.imageId, entry.distance)),
    farthest: farthest.neighbours.map((entry) => describe(entry.imageId, entry.distance)),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
