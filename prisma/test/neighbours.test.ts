import { InvalidInputError, NotFoundError, RunNotReadyError } from '../src/errors';
import { writeRunEmbeddings } from '../src/embeddings/write';
import { applySearchSettings, findNeighbours, nearestQuerySql } from '../src/neighbours';
import { latestCompletedRun } from '../src/runs';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from './support/databases';
import { createRun, seedCompletedRun, type SeededRun } from './support/fixtures';
import { l2 } from './support/synthetic';

const COUNT = 3000;
const DIM = 64;

describe.each(DATABASE_KINDS)('findNeighbours on %s', (kind) => {
  let database: TestDatabase;
  let seeded: SeededRun;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    seeded = await seedCompletedRun(database, { count: COUNT, dim: DIM });
  });

  afterAll(async () => {
    await database?.close();
  });

  function vectorOf(row: number): Float32Array {
    return seeded.vectors.subarray(row * DIM, (row + 1) * DIM);
  }

  function exactRanking(queryRow: number): { imageId: number; distance: number }[] {
    const query = vectorOf(queryRow);
    const ranking = [];
    for (let row = 0; row < COUNT; row++) {
      if (row !== queryRow) ranking.push({ imageId: seeded.dataset.imageIds[row], distance: l2(query, vectorOf(row)) });
    }
    return ranking.sort((a, b) => a.distance - b.distance || a.imageId - b.imageId);
  }

  test('rejects k outside 1 to 1000', async () => {
    const imageId = seeded.dataset.imageIds[0];
    for (const k of [0, -1, 1001, 2.5, Number.NaN]) {
      const request = findNeighbours(database.pool, { imageId, k, order: 'nearest' });
      await expect(request).rejects.toBeInstanceOf(InvalidInputError);
      await expect(request).rejects.toThrow(`got ${k}`);
    }
  });

  test('accepts k of 1 and 1000', async () => {
    const imageId = seeded.dataset.imageIds[0];
    expect((await findNeighbours(database.pool, { imageId, k: 1, order: 'nearest' })).neighbours).toHaveLength(1);
    expect((await findNeighbours(database.pool, { imageId, k: 1000, order: 'nearest' })).neighbours).toHaveLength(1000);
    expect((await findNeighbours(database.pool, { imageId, k: 1000, order: 'nearest', search: 'index' })).neighbours).toHaveLength(1000);
    expect((await findNeighbours(database.pool, { imageId, k: 1000, order: 'farthest' })).neighbours).toHaveLength(1000);
  });

  test('returns exactly 100 neighbours through the index', async () => {
    const imageId = seeded.dataset.imageIds[5];
    const result = await findNeighbours(database.pool, { imageId, k: 100, order: 'nearest', search: 'index' });
    expect(result.neighbours).toHaveLength(100);
    expect(new Set(result.neighbours.map((n) => n.imageId)).size).toBe(100);
  });

  test('nearest query plan uses the run index', async () => {
    const client = await database.pool.connect();
    try {
      await client.query('BEGIN');
      await applySearchSettings(client, 'index', 100);
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${nearestQuerySql(seeded.runId, DIM, false)}`, [
        `[${Array.from(vectorOf(0)).join(',')}]`,
        seeded.dataset.imageIds[0],
        100,
      ]);
      await client.query('ROLLBACK');
      const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
      expect(plan).toContain(`embeddings_run_${seeded.runId}_hnsw`);
    } finally {
      client.release();
    }
  });

  test('never returns the query image', async () => {
    for (const row of [0, 17, 999]) {
      const imageId = seeded.dataset.imageIds[row];
      for (const order of ['nearest', 'farthest'] as const) {
        const result = await findNeighbours(database.pool, { imageId, k: 50, order });
        expect(result.neighbours.map((n) => n.imageId)).not.toContain(imageId);
      }
    }
  });

  test('recall@10 of the index is at least 0.99', async () => {
    let hits = 0;
    const queries = 100;
    for (let q = 0; q < queries; q++) {
      const row = (q * 29) % COUNT;
      // Ground truth from the database's exact scan: pgvector sums squares in float32, so a
      // float64 ranking can swap near-equal neighbours at rank 10.
      const exact = await findNeighbours(database.pool, { imageId: seeded.dataset.imageIds[row], k: 10, order: 'nearest', search: 'exact' });
      const expected = new Set(exact.neighbours.map((n) => n.imageId));
      const result = await findNeighbours(database.pool, { imageId: seeded.dataset.imageIds[row], k: 10, order: 'nearest', search: 'index' });
      hits += result.neighbours.filter((n) => expected.has(n.imageId)).length;
    }
    expect(hits / (queries * 10)).toBeGreaterThanOrEqual(0.99);
  });

  test('exact nearest matches brute force', async () => {
    const row = 42;
    const expected = exactRanking(row).slice(0, 20);
    const result = await findNeighbours(database.pool, { imageId: seeded.dataset.imageIds[row], k: 20, order: 'nearest', search: 'exact' });
    expect(result.neighbours.map((n) => n.imageId)).toEqual(expected.map((n) => n.imageId));
    result.neighbours.forEach((n, i) => expect(n.distance).toBeCloseTo(expected[i].distance, 4));
  });

  test('farthest matches brute force in descending order', async () => {
    const row = 7;
    const expected = exactRanking(row).reverse().slice(0, 20);
    const result = await findNeighbours(database.pool, { imageId: seeded.dataset.imageIds[row], k: 20, order: 'farthest' });
    expect(result.neighbours.map((n) => n.imageId)).toEqual(expected.map((n) => n.imageId));
    for (let i = 1; i < result.neighbours.length; i++) {
      expect(result.neighbours[i].distance).toBeLessThanOrEqual(result.neighbours[i - 1].distance);
    }
  });

  test('returns labels and the query image', async () => {
    const row = 3;
    const result = await findNeighbours(database.pool, { imageId: seeded.dataset.imageIds[row], k: 5, order: 'nearest' });
    expect(result.query).toEqual({ imageId: seeded.dataset.imageIds[row], label: seeded.labels[row], datasetId: seeded.dataset.datasetId });
    expect(result.run.id).toBe(seeded.runId);
    const labelById = new Map(Array.from(seeded.dataset.imageIds, (id, i) => [id, seeded.labels[i]]));
    for (const neighbour of result.neighbours) expect(neighbour.label).toBe(labelById.get(neighbour.imageId));
  });

  test('orders tied distances by image id', async () => {
    // A second run where images 0..9 share one vector: all their distances to image 0 are 0.
    const dim = 8;
    const runId = await createRun(database, seeded.dataset.datasetId, dim);
    const count = 200;
    const vectors = new Float32Array(count * dim);
    for (let row = 0; row < count; row++) {
      for (let j = 0; j < dim; j++) vectors[row * dim + j] = row < 10 ? 1 : 1 + ((row * 7 + j * 3) % 11) + 0.5;
    }
    const imageIds = seeded.dataset.imageIds.subarray(0, count);
    await writeRunEmbeddings(database.pool, runId, imageIds, vectors, dim);

    for (const search of ['index', 'exact'] as const) {
      const result = await findNeighbours(database.pool, { imageId: imageIds[0], k: 9, runId, order: 'nearest', search });
      expect(result.neighbours.map((n) => n.imageId)).toEqual(Array.from(imageIds.subarray(1, 10)));
      expect(result.neighbours.every((n) => n.distance === 0)).toBe(true);
    }

    // From image 10, images 0..9 are all equally far; farthest lists ties by id too.
    const farthest = await findNeighbours(database.pool, { imageId: imageIds[199], k: count - 1, runId, order: 'farthest' });
    const tiedIds = farthest.neighbours.filter((n) => n.distance === farthest.neighbours.find((m) => m.imageId === imageIds[0])?.distance).map((n) => n.imageId);
    expect(tiedIds).toEqual([...tiedIds].sort((a, b) => a - b));
    expect(tiedIds.length).toBeGreaterThanOrEqual(10);
  });

  test('defaults to the latest completed run', async () => {
    const latest = await latestCompletedRun(database.pool, seeded.dataset.datasetId);
    const result = await findNeighbours(database.pool, { imageId: seeded.dataset.imageIds[0], k: 3, order: 'nearest' });
    expect(result.run.id).toBe(latest?.id);
  });

  test('rejects unknown images and runs', async () => {
    await expect(findNeighbours(database.pool, { imageId: 99_999_999, k: 3, order: 'nearest' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(findNeighbours(database.pool, { imageId: seeded.dataset.imageIds[0], k: 3, runId: 99_999, order: 'nearest' })).rejects.toBeInstanceOf(NotFoundError);
  });

  test('rejects a run that is not completed', async () => {
    const runId = await createRun(database, seeded.dataset.datasetId, DIM, 'running');
    const request = findNeighbours(database.pool, { imageId: seeded.dataset.imageIds[0], k: 3, runId, order: 'nearest' });
    await expect(request).rejects.toBeInstanceOf(RunNotReadyError);
    await expect(request).rejects.toThrow(`Training run ${runId} is running`);
  });

  test('accepts a Prisma client', async () => {
    const result = await findNeighbours(database.prisma, { imageId: seeded.dataset.imageIds[0], k: 4, order: 'nearest' });
    expect(result.neighbours).toHaveLength(4);
  });
});
