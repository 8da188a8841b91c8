import type { PrismaClient } from '@dim/db';
import DataLoader from 'dataloader';

import type { DatasetCache, DatasetRow } from './db/dataset-cache';
import { ApiError } from './errors/api-error';
import { ApiErrorCode } from './errors/error-code';
import { IMAGE_COLUMNS } from './types/image.type';
import type { ImageRow, TrainingRunRow } from './types/rows';
import type { Checkpoint, EpochMetric } from './types/training-run.type';

export interface SplitCounts {
  train: number;
  test: number;
}

/**
 * Per-request caches and batches. A list of runs reads the metrics and checkpoints of all its
 * runs in one query each, and images missing from a neighbour list are read in one query.
 * Data set rows come from the server-wide DatasetCache.
 */
export class RequestLoaders {
  private datasetsById?: Promise<Map<number, DatasetRow>>;
  private countsById?: Promise<Map<number, SplitCounts>>;

  readonly images: DataLoader<number, ImageRow | null>;
  readonly runs: DataLoader<number, TrainingRunRow | null>;
  readonly epochMetrics: DataLoader<number, EpochMetric[]>;
  readonly checkpoints: DataLoader<number, Checkpoint[]>;

  constructor(
    private readonly db: PrismaClient,
    private readonly datasetCache: DatasetCache,
  ) {
    this.images = new DataLoader(async (ids) => {
      const rows = await db.image.findMany({ where: { id: { in: [...ids] } }, select: IMAGE_COLUMNS });
      return orderById(ids, rows);
    });
    this.runs = new DataLoader(async (ids) => {
      const rows = await db.trainingRun.findMany({ where: { id: { in: [...ids] } } });
      return orderById(ids, rows);
    });
    this.epochMetrics = new DataLoader(async (runIds) => {
      const rows = await db.epochMetric.findMany({
        where: { runId: { in: [...runIds] } },
        orderBy: [{ runId: 'asc' }, { epoch: 'asc' }],
      });
      return groupByRunId(runIds, rows);
    });
    this.checkpoints = new DataLoader(async (runIds) => {
      const rows = await db.checkpoint.findMany({
        where: { runId: { in: [...runIds] } },
        orderBy: [{ runId: 'asc' }, { epoch: 'asc' }, { step: 'asc' }, { id: 'asc' }],
      });
      return groupByRunId(runIds, rows);
    });
  }

  /** Reads every data set, in id order, once per request. */
  allDatasets(): Promise<Map<number, DatasetRow>> {
    this.datasetsById ??= this.db.dataset
      .findMany({
        select: { id: true, name: true, classNames: true, height: true, width: true, channels: true },
        orderBy: { id: 'asc' },
      })
      .then((rows) => new Map(rows.map((row) => [row.id, row])));
    return this.datasetsById;
  }

  /** Returns the data set with `id`; a missing one is a NOT_FOUND error. */
  async dataset(id: number): Promise<DatasetRow> {
    const dataset = await this.datasetCache.get(id);
    if (!dataset) {
      throw new ApiError(ApiErrorCode.NOT_FOUND, `Data set ${id} not found.`, { datasetId: id });
    }
    return dataset;
  }

  /** Image counts per split of data set `id`, from one GROUP BY over all data sets. */
  async splitCounts(id: number): Promise<SplitCounts> {
    this.countsById ??= this.db.image
      .groupBy({ by: ['datasetId', 'split'], _count: { _all: true } })
      .then((groups) => {
        const counts = new Map<number, SplitCounts>();
        for (const group of groups) {
          const entry = counts.get(group.datasetId) ?? { train: 0, test: 0 };
          entry[group.split] = group._count._all;
          counts.set(group.datasetId, entry);
        }
        return counts;
      });
    return (await this.countsById).get(id) ?? { train: 0, test: 0 };
  }
}

function orderById<Row extends { id: number }>(ids: readonly number[], rows: Row[]): (Row | null)[] {
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => byId.get(id) ?? null);
}

function groupByRunId<Row extends { runId: number }>(runIds: readonly number[], rows: Row[]): Row[][] {
  const byRunId = new Map<number, Row[]>(runIds.map((runId) => [runId, []]));
  for (const row of rows) byRunId.get(row.runId)?.push(row);
  return runIds.map((runId) => byRunId.get(runId) ?? []);
}
