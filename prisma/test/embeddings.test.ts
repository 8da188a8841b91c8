import { registerDataset, type RegisteredDataset } from '../src/datasets';
import { DimensionMismatchError, InvalidInputError, NotFoundError, RunNotReadyError } from '../src/errors';
import { parseVector } from '../src/embeddings/vector-text';
import { indexBuildMemoryMiB, writeRunEmbeddings } from '../src/embeddings/write';
import { findNeighbours } from '../src/neighbours';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from './support/databases';
import { createRun } from './support/fixtures';
import { clusteredEmbeddings, createRandom, syntheticImageSet } from './support/synthetic';

const DIM = 64;

describe('indexBuildMemoryMiB', () => {
  test('keeps the 256 MiB floor for small runs', () => {
    expect(indexBuildMemoryMiB(60_000, 64)).toBe(256);
  });

  test('grows with the run so a million-row graph is built in memory', () => {
    expect(indexBuildMemoryMiB(1_000_000, 64)).toBe(1069);
    expect(indexBuildMemoryMiB(1_000_000, 512)).toBeGreaterThan(indexBuildMemoryMiB(1_000_000, 64));
  });

  test('caps the request at 4 GiB', () => {
    expect(indexBuildMemoryMiB(50_000_000, 1024)).toBe(4096);
  });
});

describe.each(DATABASE_KINDS)('writeRunEmbeddings on %s', (kind) => {
  let database: TestDatabase;
  let dataset: RegisteredDataset;
  let labels: Uint8Array;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    const imageSet = syntheticImageSet(1000);
    labels = imageSet.labels;
    dataset = await registerDataset(database.pool, imageSet);
  });

  afterAll(async () => {
    await database?.close();
  });

  async function countEmbeddings(runId: number): Promise<number> {
    const { rows } = await database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM embeddings WHERE run_id = $1', [runId]);
    return rows[0].n;
  }

  test.each([
    ['NaN', Number.NaN],
    ['infinity', Number.POSITIVE_INFINITY],
    ['negative infinity', Number.NEGATIVE_INFINITY],
  ])('rejects a vector with %s and stores nothing', async (_name, badValue) => {
    const runId = await createRun(database, dataset.datasetId, DIM);
    const vectors = clusteredEmbeddings(labels, DIM);
    vectors[500 * DIM + 3] = badValue;

    const write = writeRunEmbeddings(database.pool, runId, dataset.imageIds, vectors, DIM);
    await expect(write).rejects.toBeInstanceOf(InvalidInputError);
    await expect(write).rejects.toThrow(`Embedding of image ${dataset.imageIds[500]} (row 500)`);
    expect(await countEmbeddings(runId)).toBe(0);
  });

  test('rejects an all-zero vector naming the image', async () => {
    const runId = await createRun(database, dataset.datasetId, DIM);
    const vectors = clusteredEmbeddings(labels, DIM);
    vectors.fill(0, 10 * DIM, 11 * DIM);

    const write = writeRunEmbeddings(database.pool, runId, dataset.imageIds, vectors, DIM);
    await expect(write).rejects.toThrow(`Embedding of image ${dataset.imageIds[10]} (row 10) is all zeros`);
    expect(await countEmbeddings(runId)).toBe(0);
  });

  test('rejects vectors of the wrong length', async () => {
    const runId = await createRun(database, dataset.datasetId, DIM);
    const vectors = clusteredEmbeddings(labels, DIM);

    await expect(writeRunEmbeddings(database.pool, runId, dataset.imageIds, vectors.subarray(1), DIM)).rejects.toBeInstanceOf(DimensionMismatchError);
    const wrongDim = clusteredEmbeddings(labels, 32);
    const write = writeRunEmbeddings(database.pool, runId, dataset.imageIds, wrongDim, 32);
    await expect(write).rejects.toBeInstanceOf(DimensionMismatchError);
    await expect(write).rejects.toThrow(`Training run ${runId} has embedding dimension ${DIM}, but the vectors have 32`);
    expect(await countEmbeddings(runId)).toBe(0);
  });

  test('rejects an image of another data set', async () => {
    const runId = await createRun(database, dataset.datasetId, DIM);
    const ids = Int32Array.from(dataset.imageIds);
    ids[3] = 77_777_777;
    const write = writeRunEmbeddings(database.pool, runId, ids, clusteredEmbeddings(labels, DIM), DIM);
    await expect(write).rejects.toBeInstanceOf(NotFoundError);
    await expect(write).rejects.toThrow('Image 77777777 not found');
    expect(await countEmbeddings(runId)).toBe(0);
  });

  test('rejects a second write to a completed run', async () => {
    const runId = await createRun(database, dataset.datasetId, DIM);
    const vectors = clusteredEmbeddings(labels, DIM);
    await writeRunEmbeddings(database.pool, runId, dataset.imageIds, vectors, DIM);
    await expect(writeRunEmbeddings(database.pool, runId, dataset.imageIds, vectors, DIM)).rejects.toThrow(`Training run ${runId} is already completed`);
  });

  test('rejects a cancelled run', async () => {
    const runId = await createRun(database, dataset.datasetId, DIM);
    await database.prisma.trainingRun.update({ where: { id: runId }, data: { status: 'cancelled' } });
    const write = writeRunEmbeddings(database.pool, runId, dataset.imageIds, clusteredEmbeddings(labels, DIM), DIM);
    await expect(write).rejects.toThrow(`Training run ${runId} is cancelled`);
    expect(await countEmbeddings(runId)).toBe(0);
  });

  test('round-trips float32 values exactly through raw reads and Prisma', async () => {
    const runId = await createRun(database, dataset.datasetId, DIM);
    const random = createRandom(99);
    const vectors = new Float32Array(dataset.imageIds.length * DIM);
    // Values across many magnitudes, including subnormal-adjacent and large ones.
    for (let i = 0; i < vectors.length; i++) vectors[i] = (random() - 0.5) * 10 ** Math.floor(random() * 12 - 6);
    await writeRunEmbeddings(database.pool, runId, dataset.imageIds, vectors, DIM);

    const { rows } = await database.pool.query<{ run_id: number; image_id: number; embedding: string }>(
      'SELECT * FROM embeddings WHERE run_id = $1 AND image_id = $2',
      [runId, dataset.imageIds[0]],
    );
    expect(rows).toHaveLength(1);
    expect(Array.from(parseVector(rows[0].embedding))).toEqual(Array.from(vectors.subarray(0, DIM)));

    const viaPrismaModel = await database.prisma.embedding.findMany({ where: { runId }, orderBy: { imageId: 'asc' }, take: 2 });
    expect(viaPrismaModel.map((row) => row.imageId)).toEqual([dataset.imageIds[0], dataset.imageIds[1]]);

    const viaPrismaRaw = await database.prisma.$queryRaw<{ embedding: number[] }[]>`
      SELECT embedding::real[] AS embedding FROM embeddings WHERE run_id = ${runId} AND image_id = ${dataset.imageIds[1]}`;
    expect(Float32Array.from(viaPrismaRaw[0].embedding)).toEqual(vectors.subarray(DIM, 2 * DIM));

    const viaPrismaSelectAll = await database.prisma.$queryRawUnsafe<{ embedding: unknown }[]>(
      `SELECT * FROM embeddings WHERE run_id = ${runId} AND image_id = ${dataset.imageIds[2]}`,
    );
    expect(Array.from(parseVector(String(viaPrismaSelectAll[0].embedding)))).toEqual(Array.from(vectors.subarray(2 * DIM, 3 * DIM)));
  });

  test('runs of different dimensions coexist', async () => {
    const small = await createRun(database, dataset.datasetId, 8);
    await writeRunEmbeddings(database.pool, small, dataset.imageIds, clusteredEmbeddings(labels, 8), 8);
    const large = await createRun(database, dataset.datasetId, 128);
    await writeRunEmbeddings(database.pool, large, dataset.imageIds, clusteredEmbeddings(labels, 128), 128);

    for (const runId of [small, large]) {
      const result = await findNeighbours(database.pool, { imageId: dataset.imageIds[0], k: 5, runId, order: 'nearest', search: 'index' });
      expect(result.neighbours).toHaveLength(5);
    }
  });

  test('a concurrent reader never sees a partial run', async () => {
    const count = dataset.imageIds.length;
    const runId = await createRun(database, dataset.datasetId, DIM);
    const observed: string[] = [];
    let writing = true;

    const reader = (async () => {
      while (writing) {
        const { rows } = await database.pool.query<{ status: string; visible: number }>(
          `SELECT r.status::text AS status,
                  (SELECT count(*)::int FROM embeddings e WHERE e.run_id = r.id) AS visible
             FROM training_runs r WHERE r.id = $1`,
          [runId],
        );
        observed.push(`${rows[0].status}:${rows[0].visible}`);
        try {
          const result = await findNeighbours(database.pool, { imageId: dataset.imageIds[0], k: 20, runId, order: 'nearest' });
          observed.push(`neighbours:${result.neighbours.length}`);
        } catch (error) {
          if (!(error instanceof RunNotReadyError)) throw error;
          observed.push('not-ready');
        }
      }
    })();

    await new Promise((resolve) => setTimeout(resolve, 50));
    await writeRunEmbeddings(database.pool, runId, dataset.imageIds, clusteredEmbeddings(labels, DIM, 3), DIM);
    writing = false;
    await reader;

    const allowed = new Set(['embedding:0', `completed:${count}`, 'not-ready', 'neighbours:20']);
    expect(observed.filter((entry) => !allowed.has(entry))).toEqual([]);
    // The reader ran before the write started, so it saw the run without embeddings.
    expect(observed).toContain('embedding:0');
  });
});
