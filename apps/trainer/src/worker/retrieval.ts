import type { PrismaClient } from '@dim/db';
import { evaluateRetrieval, type RetrievalMetrics } from '@dim/evaluation';
import type { Logger } from 'pino';

import type { DatasetEmbeddings } from './embedding';

/** kNN at k = 200 needs that many train vectors; smaller runs get no retrieval figures. */
const MIN_TRAIN_IMAGES = 200;

export interface StoredRetrieval extends RetrievalMetrics {
  readonly computedAt: string;
}

/**
 * Measures a completed run's retrieval quality (kNN accuracy at k = 20 and 200 and
 * precision@10 of the test split searched in the train split, L2 distance) and stores it in
 * training_runs.retrieval. Returns null, with a log line saying why, when the data set lacks a
 * test split or 200 train images.
 */
export async function storeRetrievalQuality(
  db: PrismaClient,
  run: { readonly id: number; readonly datasetId: number },
  embeddings: DatasetEmbeddings,
  logger: Logger,
): Promise<StoredRetrieval | null> {
  const { dim, imageIds, vectors } = embeddings;
  const runId = run.id;
  // Every embedded image belongs to the run's data set; filtering by data set avoids a
  // 60,000-element IN list.
  const images = await db.image.findMany({
    where: { datasetId: run.datasetId },
    select: { id: true, split: true, label: true },
  });
  const byId = new Map(images.map((image) => [image.id, image]));

  const rows = { train: [] as number[], test: [] as number[] };
  for (let row = 0; row < imageIds.length; row++) {
    const image = byId.get(imageIds[row]);
    if (!image) throw new Error(`Image ${imageIds[row]} of run ${runId}'s embeddings is not in the images table.`);
    rows[image.split].push(row);
  }
  if (rows.test.length === 0 || rows.train.length < MIN_TRAIN_IMAGES) {
    logger.warn(
      { trainImages: rows.train.length, testImages: rows.test.length },
      `Retrieval quality not computed: it needs a test split and at least ${MIN_TRAIN_IMAGES} train images`,
    );
    return null;
  }

  const gather = (selected: number[]) => {
    const out = new Float32Array(selected.length * dim);
    const labels = new Uint8Array(selected.length);
    selected.forEach((row, i) => {
      out.set(vectors.subarray(row * dim, (row + 1) * dim), i * dim);
      labels[i] = byId.get(imageIds[row])!.label;
    });
    return { vectors: out, labels };
  };

  const started = performance.now();
  const metrics = await evaluateRetrieval({ train: gather(rows.train), test: gather(rows.test), dim });
  const stored: StoredRetrieval = {
    knn20Accuracy: metrics.knn20Accuracy,
    knn200Accuracy: metrics.knn200Accuracy,
    precisionAt10: metrics.precisionAt10,
    knnAccuracy: metrics.knnAccuracy,
    computedAt: new Date().toISOString(),
  };
  await db.trainingRun.update({ where: { id: runId }, data: { retrieval: JSON.parse(JSON.stringify(stored)) } });
  logger.info(
    {
      knn20Accuracy: stored.knn20Accuracy,
      knn200Accuracy: stored.knn200Accuracy,
      precisionAt10: stored.precisionAt10,
      queries: rows.test.length,
      trainImages: rows.train.length,
      seconds: Math.round((performance.now() - started) / 100) / 10,
    },
    'Retrieval quality stored',
  );
  return stored;
}
