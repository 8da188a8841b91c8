import { batchCount, epochSeed, iterateBatches, mulberry32, shuffledIndices, toFloat32Batch } from '../src';
import { tinySet } from './helpers';

describe('toFloat32Batch', () => {
  it('scales 0, 127.5 and 255 to -1, 0, 1', () => {
    const set = tinySet([0, 1, 2]);
    set.pixels.set([0, 255, 128, 127], 0);
    const batch = toFloat32Batch(set, [0]);
    expect(batch).toBeInstanceOf(Float32Array);
    expect(batch[0]).toBe(-1);
    expect(batch[1]).toBe(1);
    expect(batch[2]).toBeCloseTo(128 / 127.5 - 1, 7);
    expect(batch[3]).toBeCloseTo(127 / 127.5 - 1, 7);
  });

  it('stacks images in index order', () => {
    const set = tinySet([0, 1, 2, 0, 1]);
    const batch = toFloat32Batch(set, [4, 1]);
    expect(batch.length).toBe(2 * 12);
    expect(batch[0]).toBeCloseTo(4 / 127.5 - 1, 7);
    expect(batch[11]).toBeCloseTo(4 / 127.5 - 1, 7);
    expect(batch[12]).toBeCloseTo(1 / 127.5 - 1, 7);
  });

  it('fills given buffer', () => {
    const set = tinySet([0, 1]);
    const out = new Float32Array(24);
    expect(toFloat32Batch(set, [1, 0], out)).toBe(out);
    expect(() => toFloat32Batch(set, [1], out)).toThrow('Output buffer has 24 values, expected 12');
  });

  it('rejects out-of-range index', () => {
    expect(() => toFloat32Batch(tinySet([0, 1]), [2])).toThrow('Image index 2 is out of range for tiny train (2 images, valid 0..1).');
  });
});

describe('shuffledIndices', () => {
  it('is a permutation', () => {
    const order = shuffledIndices(1000, 42);
    expect(Array.from(order).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('depends only on the seed', () => {
    expect(Array.from(shuffledIndices(100, 7))).toEqual(Array.from(shuffledIndices(100, 7)));
    expect(Array.from(shuffledIndices(100, 7))).not.toEqual(Array.from(shuffledIndices(100, 8)));
  });

  it('moves each position about uniformly', () => {
    // Over many seeds, each value should land in position 0 about 1/10 of the time.
    const firstCounts = new Array<number>(10).fill(0);
    for (let seed = 0; seed < 10_000; seed++) firstCounts[shuffledIndices(10, seed)[0]]++;
    for (const count of firstCounts) {
      expect(count).toBeGreaterThan(850);
      expect(count).toBeLessThan(1150);
    }
  });
});

describe('mulberry32', () => {
  it('returns floats in [0, 1)', () => {
    const random = mulberry32(123);
    for (let i = 0; i < 10_000; i++) {
      const value = random();
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });

  it('matches the reference sequence', () => {
    // First three uint32 outputs of the original C mulberry32 for state 0 (compiled with gcc).
    const random = mulberry32(0);
    expect([random(), random(), random()].map((x) => x * 4294967296)).toEqual([1144304738, 1416247, 958946056]);
  });
});

describe('epochSeed', () => {
  it('differs per epoch and is stable', () => {
    const seeds = new Set(Array.from({ length: 100 }, (_, epoch) => epochSeed(1, epoch)));
    expect(seeds.size).toBe(100);
    expect(epochSeed(1, 5)).toBe(epochSeed(1, 5));
  });
});

describe('iterateBatches', () => {
  const set = tinySet(Array.from({ length: 11 }, (_, i) => i % 3));

  it('covers every image once', () => {
    const batches = [...iterateBatches(set, { batchSize: 4, seed: 3 })];
    expect(batches.map((b) => b.indices.length)).toEqual([4, 4, 3]);
    const seen = batches.flatMap((b) => Array.from(b.indices)).sort((a, b) => a - b);
    expect(seen).toEqual(Array.from({ length: 11 }, (_, i) => i));
  });

  it('returns images and labels of its indices', () => {
    for (const batch of iterateBatches(set, { batchSize: 4, seed: 3 })) {
      expect(Array.from(batch.labels)).toEqual(Array.from(batch.indices, (i) => set.labels[i]));
      expect(Array.from(batch.images)).toEqual(Array.from(toFloat32Batch(set, batch.indices)));
    }
  });

  it('repeats order for same seed and epoch', () => {
    const order = (epoch: number) => [...iterateBatches(set, { batchSize: 4, seed: 3, epoch })].flatMap((b) => Array.from(b.indices));
    expect(order(0)).toEqual(order(0));
    expect(order(0)).not.toEqual(order(1));
  });

  it('drops final batch below minBatchSize', () => {
    const twelve = tinySet(Array.from({ length: 9 }, (_, i) => i % 3));
    expect([...iterateBatches(twelve, { batchSize: 4, seed: 1, minBatchSize: 2 })].map((b) => b.indices.length)).toEqual([4, 4]);
    expect([...iterateBatches(twelve, { batchSize: 4, seed: 1 })].map((b) => b.indices.length)).toEqual([4, 4, 1]);
    expect(batchCount(9, 4, 2)).toBe(2);
    expect(batchCount(9, 4)).toBe(3);
    expect(batchCount(10, 4, 2)).toBe(3);
  });

  it('keeps file order without shuffle', () => {
    const order = [...iterateBatches(set, { batchSize: 5, seed: 0, shuffle: false })].flatMap((b) => Array.from(b.indices));
    expect(order).toEqual(Array.from({ length: 11 }, (_, i) => i));
  });

  it('rejects invalid sizes', () => {
    expect(() => [...iterateBatches(set, { batchSize: 0, seed: 0 })]).toThrow('Invalid batchSize 0');
    expect(() => [...iterateBatches(set, { batchSize: 2, seed: 0, minBatchSize: 3 })]).toThrow('Invalid minBatchSize 3: expected an integer from 1 to batchSize (2).');
  });
});
