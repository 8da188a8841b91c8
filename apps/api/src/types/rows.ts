import type { PrismaClient } from '@dim/db';

/** A training_runs row as Prisma returns it; the TrainingRun type resolves its other fields. */
export type TrainingRunRow = NonNullable<Awaited<ReturnType<PrismaClient['trainingRun']['findUnique']>>>;

/** An images row without its pixels, the root value of the Image type. */
export interface ImageRow {
  id: number;
  datasetId: number;
  split: 'train' | 'test';
  indexInSplit: number;
  label: number;
}

/**
 * The part of an image row that findNeighbours returns. ImageResolver loads the rest (split,
 * indexInSplit) only when a request selects it, so a neighbour list costs no extra query.
 */
export type ImageRoot = ImageRow | Pick<ImageRow, 'id' | 'datasetId' | 'label'>;
