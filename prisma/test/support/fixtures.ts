import { registerDataset, type RegisteredDataset } from '../../src/datasets';
import { writeRunEmbeddings } from '../../src/embeddings/write';
import type { TestDatabase } from './databases';
import { clusteredEmbeddings, syntheticImageSet } from './synthetic';

export interface SeededRun {
  runId: number;
  dataset: RegisteredDataset;
  labels: Uint8Array;
  vectors: Float32Array;
  dim: number;
}

/** Creates a training run through Prisma, in the state the worker leaves it before writing embeddings. */
export async function createRun(database: TestDatabase, datasetId: number, dim: number, status: 'embedding' | 'running' = 'embedding'): Promise<number> {
  const run = await database.prisma.trainingRun.create({
    data: { datasetId, status, config: { preset: 'test', epochs: 1 }, preset: 'test', embeddingDim: dim, startedAt: new Date() },
  });
  return run.id;
}

/** Registers a synthetic data set and writes one completed run of clustered embeddings for it. */
export async function seedCompletedRun(database: TestDatabase, options: { count: number; dim: number; name?: string; seed?: number }): Promise<SeededRun> {
  const imageSet = syntheticImageSet(options.count, { name: options.name });
  const dataset = await registerDataset(database.pool, imageSet);
  const runId = await createRun(database, dataset.datasetId, options.dim);
  const vectors = clusteredEmbeddings(imageSet.labels, options.dim, options.seed);
  await writeRunEmbeddings(database.pool, runId, dataset.imageIds, vectors, options.dim);
  return { runId, dataset, labels: imageSet.labels, vectors, dim: options.dim };
}
