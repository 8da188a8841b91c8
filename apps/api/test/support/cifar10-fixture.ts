import { DATASETS, loadImageSet, mulberry32, selectImages, type ImageSet } from '@dim/dataset';
import { createPrismaClient, registerDataset, writeRunEmbeddings, type PrismaClient } from '@dim/db';

/** Directory of the real CIFAR-10 binary files (CIFAR10_DIR, default: the registry's folder). */
export const CIFAR10_DIR = process.env.CIFAR10_DIR ?? DATASETS.cifar10.defaultDir;

/** Test images registered; enough for neighbour lists of every class, small enough to seed in seconds. */
export const IMAGE_COUNT = 400;
export const EMBEDDING_DIM = 32;

export interface SeededDatabase {
  db: PrismaClient;
  datasetId: number;
  /** images.id of the registered images, in data set order. */
  imageIds: Int32Array;
  images: ImageSet;
  completedRunId: number;
  /** A second completed run of the same data set, finished after completedRunId. */
  latestRunId: number;
  runningRunId: number;
  queuedRunId: number;
  /** Completed, but its stored vectors are shorter than its declared embedding_dim. */
  mismatchedRunId: number;
}

/**
 * Registers the first IMAGE_COUNT CIFAR-10 test images of the real data set and writes runs
 * whose embeddings are a fixed random projection of the pixels. The projection keeps L2
 * distances roughly proportional (Johnson-Lindenstrauss), so neighbours share colour layouts.
 * The database must already be migrated.
 */
export async function seedCifar10(databaseUrl: string): Promise<SeededDatabase> {
  const testSplit = await loadImageSet({ name: 'cifar10', split: 'test', dir: CIFAR10_DIR });
  const images = selectImages(testSplit, Array.from({ length: IMAGE_COUNT }, (_, index) => index));
  const db = createPrismaClient(databaseUrl, { poolMax: 2 });
  const registered = await registerDataset(db, images);

  const createRun = async (status: 'embedding' | 'running' | 'queued', dim = EMBEDDING_DIM) =>
    (
      await db.trainingRun.create({
        data: {
          datasetId: registered.datasetId,
          status,
          config: testRunConfig(dim),
          preset: 'paper',
          embeddingDim: dim,
          backend: 'cpu',
          startedAt: status === 'queued' ? null : new Date(),
        },
      })
    ).id;

  const completedRunId = await createRun('embedding');
  await writeRunEmbeddings(db, completedRunId, registered.imageIds, projectPixels(images, EMBEDDING_DIM, 1), EMBEDDING_DIM);
  const latestRunId = await createRun('embedding');
  await writeRunEmbeddings(db, latestRunId, registered.imageIds, projectPixels(images, EMBEDDING_DIM, 2), EMBEDDING_DIM);

  const mismatchedRunId = await createRun('embedding');
  await writeRunEmbeddings(db, mismatchedRunId, registered.imageIds, projectPixels(images, EMBEDDING_DIM, 3), EMBEDDING_DIM);
  // Declare a different size than the stored vectors have, as a run whose embeddings were
  // rewritten by a differently configured worker would. finished_at stays older than
  // latestRunId's, so the latest completed run is unchanged.
  await db.trainingRun.update({
    where: { id: mismatchedRunId },
    data: { embeddingDim: EMBEDDING_DIM * 2, finishedAt: new Date(0) },
  });

  const runningRunId = await createRun('running');
  const queuedRunId = await createRun('queued');

  return {
    db,
    datasetId: registered.datasetId,
    imageIds: registered.imageIds,
    images,
    completedRunId,
    latestRunId,
    runningRunId,
    queuedRunId,
    mismatchedRunId,
  };
}

export function testRunConfig(embeddingDim: number) {
  return {
    datasetName: 'cifar10',
    preset: 'paper',
    epochs: 2,
    batchSize: 64,
    learningRate: 0.0001,
    alpha: 0.5,
    beta: 1,
    gamma: 0.1,
    embeddingDim,
    subsetSize: null,
    seed: 1,
    checkpointEvery: 1,
    backend: 'cpu',
  };
}

/**
 * Projects each image's pixels (scaled to [-0.5, 0.5]) onto `dim` fixed pseudo-random
 * directions drawn from `seed`. The same seed always gives the same vectors.
 */
export function projectPixels(images: ImageSet, dim: number, seed: number): Float32Array {
  const inputSize = images.height * images.width * images.channels;
  const random = mulberry32(seed);
  const projection = new Float32Array(dim * inputSize);
  for (let i = 0; i < projection.length; i++) projection[i] = (random() - 0.5) / Math.sqrt(inputSize);

  const vectors = new Float32Array(images.count * dim);
  for (let image = 0; image < images.count; image++) {
    const pixels = images.pixels.subarray(image * inputSize, (image + 1) * inputSize);
    for (let out = 0; out < dim; out++) {
      const row = projection.subarray(out * inputSize, (out + 1) * inputSize);
      let sum = 0;
      for (let i = 0; i < inputSize; i++) sum += row[i] * (pixels[i] / 255 - 0.5);
      vectors[image * dim + out] = sum;
    }
  }
  return vectors;
}

