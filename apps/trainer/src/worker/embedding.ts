import { loadImageSet, toFloat32Batch, type DatasetName, type ImageSet, type Split } from '@dim/dataset';
import type { PrismaClient } from '@dim/db';
import { embed, type DimModel } from '@dim/dim-model';
import * as tf from '@tensorflow/tfjs-core';

/** Images embedded per forward pass; bounds the activation memory of one batch. */
export const EMBED_BATCH_SIZE = 256;

export interface RegisteredImage {
  readonly id: number;
  readonly split: Split;
  readonly indexInSplit: number;
}

export interface EmbeddingProgress {
  readonly embedded: number;
  readonly total: number;
}

export interface EmbedDatasetOptions {
  readonly db: PrismaClient;
  readonly model: DimModel;
  readonly datasetId: number;
  readonly datasetName: DatasetName;
  /** Folder the data set's files are read from (see datasetDir in config.ts). */
  readonly dir: string;
  readonly onProgress: (progress: EmbeddingProgress) => void;
  /** Awaited between batches, so heartbeats and cancellation reads get to run. */
  readonly betweenBatches: () => Promise<void>;
  /** Polled between batches; returning true ends embedding early with `stopped: true`. */
  readonly shouldStop: () => boolean;
}

export interface DatasetEmbeddings {
  readonly imageIds: Int32Array;
  /** imageIds.length * dim values, row i belonging to imageIds[i]. */
  readonly vectors: Float32Array;
  readonly dim: number;
  readonly stopped: boolean;
}

/** Lists the images registered for a data set, train split first, each split in file order. */
export async function listRegisteredImages(db: PrismaClient, datasetId: number): Promise<RegisteredImage[]> {
  return db.image.findMany({
    where: { datasetId },
    select: { id: true, split: true, indexInSplit: true },
    orderBy: [{ split: 'asc' }, { indexInSplit: 'asc' }],
  });
}

/**
 * Embeds every image registered for the data set, train and test split, with the trained
 * encoder. Pixels are read from the data set's files rather than from the images table,
 * because the files load in a fraction of the time it takes to fetch 180 MB of pixels
 * over the database connection. Each registered image is located by split and
 * index_in_split, the position registerDataset stored.
 */
export async function embedRegisteredImages(options: EmbedDatasetOptions): Promise<DatasetEmbeddings> {
  const { model } = options;
  const dim = model.config.embeddingDim;
  const images = await listRegisteredImages(options.db, options.datasetId);
  if (images.length === 0) {
    throw new Error(
      `Data set ${options.datasetName} (id ${options.datasetId}) has no registered images to embed. ` +
        'Register its images (registerDataset) before starting a run.',
    );
  }

  const imageIds = new Int32Array(images.length);
  const vectors = new Float32Array(images.length * dim);
  let embedded = 0;
  options.onProgress({ embedded, total: images.length });

  for (const split of ['train', 'test'] as const) {
    const inSplit = images.filter((image) => image.split === split);
    if (inSplit.length === 0) continue;
    const set = await loadImageSet({ name: options.datasetName, split, dir: options.dir });
    checkRegisteredIndices(set, inSplit);

    for (let start = 0; start < inSplit.length; start += EMBED_BATCH_SIZE) {
      await options.betweenBatches();
      if (options.shouldStop()) return { imageIds, vectors, dim, stopped: true };

      const batch = inSplit.slice(start, start + EMBED_BATCH_SIZE);
      const values = await embedBatch(model, set, batch.map((image) => image.indexInSplit));
      vectors.set(values, embedded * dim);
      batch.forEach((image, i) => (imageIds[embedded + i] = image.id));
      embedded += batch.length;
      options.onProgress({ embedded, total: images.length });
    }
  }
  return { imageIds, vectors, dim, stopped: false };
}

async function embedBatch(model: DimModel, set: ImageSet, indices: number[]): Promise<Float32Array> {
  const pixels = toFloat32Batch(set, indices);
  const output = tf.tidy(() => {
    const input = tf.tensor4d(pixels, [indices.length, set.height, set.width, set.channels]);
    return embed(model, input, EMBED_BATCH_SIZE);
  });
  try {
    // data() rather than dataSync() lets the event loop run (heartbeats, cancellation polls)
    // while an asynchronous backend computes.
    return (await output.data()) as Float32Array;
  } finally {
    output.dispose();
  }
}

function checkRegisteredIndices(set: ImageSet, images: readonly RegisteredImage[]): void {
  const outside = images.find((image) => image.indexInSplit >= set.count);
  if (outside) {
    throw new Error(
      `Image ${outside.id} is registered as ${set.split} image ${outside.indexInSplit} of ${set.name}, ` +
        `but the files hold only ${set.count} ${set.split} images. Register the data set from the same files the worker reads.`,
    );
  }
}
