import { registerDataset } from '../src/datasets';
import { InvalidInputError } from '../src/errors';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from './support/databases';
import { syntheticImageSet } from './support/synthetic';

describe.each(DATABASE_KINDS)('registerDataset on %s', (kind) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });

  afterAll(async () => {
    await database?.close();
  });

  test('stores images with labels and pixels', async () => {
    const imageSet = syntheticImageSet(2500, { name: 'stored' });
    const registered = await registerDataset(database.pool, imageSet, { sourcePath: '/data/stored' });
    expect(registered.inserted).toBe(2500);
    expect(registered.imageIds).toHaveLength(2500);

    const image = await database.prisma.image.findUniqueOrThrow({ where: { id: registered.imageIds[1234] } });
    const imageBytes = 8 * 8 * 3;
    expect(image.indexInSplit).toBe(1234);
    expect(image.label).toBe(imageSet.labels[1234]);
    expect(image.split).toBe('train');
    expect(Buffer.from(image.pixels)).toEqual(Buffer.from(imageSet.pixels.subarray(1234 * imageBytes, 1235 * imageBytes)));

    const dataset = await database.prisma.dataset.findUniqueOrThrow({ where: { name: 'stored' } });
    expect(dataset.classNames).toEqual(imageSet.classNames);
    expect(dataset.sourcePath).toBe('/data/stored');
  });

  test('refreshes the planner statistics', async () => {
    const before = await imageCountEstimate();
    await registerDataset(database.pool, syntheticImageSet(3000, { name: 'analysed' }));
    // Without the ANALYZE the estimate stays where autovacuum left it, and a large first
    // registration made the embedding check's plan quadratic.
    expect(await imageCountEstimate()).toBeGreaterThanOrEqual(before + 3000);
  });

  async function imageCountEstimate(): Promise<number> {
    const { rows } = await database.pool.query<{ estimate: number }>("SELECT greatest(reltuples, 0)::float8 AS estimate FROM pg_class WHERE relname = 'images'");
    return rows[0].estimate;
  }

  test('second call reuses rows', async () => {
    const imageSet = syntheticImageSet(300, { name: 'twice' });
    const first = await registerDataset(database.pool, imageSet);
    const second = await registerDataset(database.prisma, imageSet);
    expect(second.inserted).toBe(0);
    expect(second.datasetId).toBe(first.datasetId);
    expect(Array.from(second.imageIds)).toEqual(Array.from(first.imageIds));
    expect(await database.prisma.image.count({ where: { datasetId: first.datasetId } })).toBe(300);
  });

  test('both splits share one data set', async () => {
    const train = await registerDataset(database.pool, syntheticImageSet(100, { name: 'splits', split: 'train' }));
    const test = await registerDataset(database.pool, syntheticImageSet(40, { name: 'splits', split: 'test', seed: 2 }));
    expect(test.datasetId).toBe(train.datasetId);
    expect(test.imageIds).toHaveLength(40);
  });

  test('rejects changed labels naming the image', async () => {
    const imageSet = syntheticImageSet(50, { name: 'relabelled' });
    await registerDataset(database.pool, imageSet);
    const labels = Uint8Array.from(imageSet.labels);
    labels[7] = (labels[7] + 1) % 10;
    const register = registerDataset(database.pool, { ...imageSet, labels });
    await expect(register).rejects.toBeInstanceOf(InvalidInputError);
    await expect(register).rejects.toThrow('Image 7 of relabelled train is stored with label');
  });

  test('rejects a different image shape', async () => {
    const imageSet = syntheticImageSet(10, { name: 'reshaped' });
    await registerDataset(database.pool, imageSet);
    const register = registerDataset(database.pool, { ...imageSet, height: 4, width: 16 });
    await expect(register).rejects.toThrow('Data set reshaped is stored with image shape 8x8x3, not 4x16x3');
  });

  test('rejects pixels that do not match the count', async () => {
    const imageSet = syntheticImageSet(10, { name: 'short' });
    await expect(registerDataset(database.pool, { ...imageSet, pixels: imageSet.pixels.subarray(1) })).rejects.toBeInstanceOf(InvalidInputError);
  });
});
