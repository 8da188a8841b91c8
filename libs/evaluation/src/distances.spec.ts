import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@dim/dim-model';

import { checkRowDistances, nearestNeighbours, type NeighbourTable } from './distances';
import { seededVectors } from './test-support';

/** Squared L2 distances of every query to every key, summed in float64. */
function bruteForceDistances(queries: Float32Array, keys: Float32Array, dim: number): Float64Array[] {
  const queryCount = queries.length / dim;
  const keyCount = keys.length / dim;
  const rows: Float64Array[] = [];
  for (let q = 0; q < queryCount; q++) {
    const row = new Float64Array(keyCount);
    for (let key = 0; key < keyCount; key++) {
      let sum = 0;
      for (let i = 0; i < dim; i++) {
        const difference = queries[q * dim + i] - keys[key * dim + i];
        sum += difference * difference;
      }
      row[key] = sum;
    }
    rows.push(row);
  }
  return rows;
}

/**
 * Checks `table` against a brute-force search. Each reported distance must match the exact
 * distance of the reported key and the exact distance of that rank. Keys whose distances differ
 * by float32 rounding only may still swap places.
 */
function expectMatchesBruteForce(table: NeighbourTable, queries: Float32Array, keys: Float32Array, dim: number, relativeTolerance: number): void {
  const exact = bruteForceDistances(queries, keys, dim);
  for (let q = 0; q < table.queryCount; q++) {
    const sorted = Float64Array.from(exact[q]).sort();
    for (let rank = 0; rank < table.k; rank++) {
      const index = table.indices[q * table.k + rank];
      const distance = table.squaredDistances[q * table.k + rank];
      const tolerance = relativeTolerance * sorted[table.k - 1];
      expect(Math.abs(distance - exact[q][index])).toBeLessThanOrEqual(tolerance);
      expect(Math.abs(distance - sorted[rank])).toBeLessThanOrEqual(tolerance);
    }
  }
}

describe.each(['wasm', 'cpu'] as const)('nearestNeighbours on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend({ backend, log: () => undefined });
  });

  test('hand-made 2-d case', async () => {
    const keys = Float32Array.from([0, 0, 3, 4, 1, 0, -2, 0]);
    const queries = Float32Array.from([0, 0, 3, 3]);
    const table = await nearestNeighbours({ vectors: queries, dim: 2 }, { vectors: keys, dim: 2 }, 3);

    expect(table.queryCount).toBe(2);
    expect(table.k).toBe(3);
    expect(Array.from(table.indices)).toEqual([0, 2, 3, 1, 2, 0]);
    expect(Array.from(table.squaredDistances)).toEqual([0, 1, 4, 1, 13, 18]);
  });

  test('equal distances keep lower index first', async () => {
    const keys = Float32Array.from([5, 1, -1, 1, 1, -1]);
    const table = await nearestNeighbours({ vectors: Float32Array.from([0]), dim: 1 }, { vectors: keys, dim: 1 }, 6);
    expect(Array.from(table.indices)).toEqual([1, 2, 3, 4, 5, 0]);
    expect(Array.from(table.squaredDistances)).toEqual([1, 1, 1, 1, 1, 25]);
  });

  test('agrees with brute force at dim 64', async () => {
    const dim = 64;
    const queries = seededVectors(97, dim, 1);
    const keys = seededVectors(1013, dim, 2);
    const table = await nearestNeighbours({ vectors: queries, dim }, { vectors: keys, dim }, 25, { queryChunkSize: 40 });
    expectMatchesBruteForce(table, queries, keys, dim, 1e-5);
  });

  test('agrees with brute force at dim 3072', async () => {
    // Raw CIFAR-10 pixels: values on the toFloat32Batch grid x / 127.5 - 1.
    const dim = 3072;
    const queries = seededVectors(13, dim, 3).map((value) => Math.round((value + 1) * 127.5) / 127.5 - 1);
    const keys = seededVectors(211, dim, 4).map((value) => Math.round((value + 1) * 127.5) / 127.5 - 1);
    const table = await nearestNeighbours({ vectors: queries, dim }, { vectors: keys, dim }, 10, { queryChunkSize: 5 });
    expectMatchesBruteForce(table, queries, keys, dim, 1e-5);
  });

  test('chunk sizes give identical results', async () => {
    const dim = 16;
    const queries = seededVectors(103, dim, 5);
    const keys = seededVectors(257, dim, 6);
    const whole = await nearestNeighbours({ vectors: queries, dim }, { vectors: keys, dim }, 7, { queryChunkSize: 103 });
    for (const queryChunkSize of [1, 2, 10, 50, 102, 104, 1000]) {
      const chunked = await nearestNeighbours({ vectors: queries, dim }, { vectors: keys, dim }, 7, { queryChunkSize });
      expect(chunked.indices).toEqual(whole.indices);
      expect(chunked.squaredDistances).toEqual(whole.squaredDistances);
    }
  });

  test('default chunking matches one chunk', async () => {
    const dim = 8;
    const queries = seededVectors(50, dim, 7);
    const keys = seededVectors(300, dim, 8);
    const whole = await nearestNeighbours({ vectors: queries, dim }, { vectors: keys, dim }, 5, { queryChunkSize: 50 });
    const automatic = await nearestNeighbours({ vectors: queries, dim }, { vectors: keys, dim }, 5);
    expect(automatic.indices).toEqual(whole.indices);
  });

  test('k equal to key count', async () => {
    const keys = Float32Array.from([3, 1, 2]);
    const table = await nearestNeighbours({ vectors: Float32Array.from([0]), dim: 1 }, { vectors: keys, dim: 1 }, 3);
    expect(Array.from(table.indices)).toEqual([1, 2, 0]);
  });

  test('leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    await nearestNeighbours({ vectors: seededVectors(30, 4, 9), dim: 4 }, { vectors: seededVectors(40, 4, 10), dim: 4 }, 3, { queryChunkSize: 7 });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('nearestNeighbours input checks', () => {
  beforeAll(async () => {
    await selectBackend({ backend: 'cpu', log: () => undefined });
  });

  const keys = { vectors: Float32Array.from([0, 0, 1, 1]), dim: 2 };

  test('rejects k above key count', async () => {
    await expect(nearestNeighbours({ vectors: Float32Array.from([0, 0]), dim: 2 }, keys, 3)).rejects.toThrow(
      'Invalid k 3: expected an integer from 1 to the number of keys (2).',
    );
  });

  test('rejects mismatched dims', async () => {
    await expect(nearestNeighbours({ vectors: Float32Array.from([0, 0, 0]), dim: 3 }, keys, 1)).rejects.toThrow(
      'The queries have dim 3 but the keys have dim 2',
    );
  });

  test('rejects partial rows', async () => {
    await expect(nearestNeighbours({ vectors: Float32Array.from([0, 0, 0]), dim: 2 }, keys, 1)).rejects.toThrow(
      'The queries have 3 values, which is not a multiple of dim 2',
    );
  });

  test('rejects non-finite values', async () => {
    await expect(nearestNeighbours({ vectors: Float32Array.from([0, NaN]), dim: 2 }, keys, 1)).rejects.toThrow(
      'The queries contain NaN at value 1 (row 0)',
    );
  });

  test('rejects invalid chunk size', async () => {
    await expect(nearestNeighbours({ vectors: Float32Array.from([0, 0]), dim: 2 }, keys, 1, { queryChunkSize: 0 })).rejects.toThrow(
      'Invalid queryChunkSize 0: expected a positive integer.',
    );
  });
});

describe('checkRowDistances', () => {
  beforeAll(async () => {
    await selectBackend({ backend: 'cpu', log: () => undefined });
  });

  const keys = Float32Array.from([0, 0, 3, 4]);
  const queries = Float32Array.from([0, 0]);

  test('accepts correct distances', () => {
    const table: NeighbourTable = { queryCount: 1, k: 2, indices: Int32Array.from([0, 1]), squaredDistances: Float32Array.from([0, 25]) };
    expect(() => checkRowDistances(queries, keys, 2, table, 0)).not.toThrow();
  });

  test('rejects an unwritten output', () => {
    const table: NeighbourTable = { queryCount: 1, k: 2, indices: Int32Array.from([0, 1]), squaredDistances: Float32Array.from([0, 0]) };
    expect(() => checkRowDistances(queries, keys, 2, table, 0)).toThrow(
      'The cpu backend returned squared distance 0 for query 0 and key 1, but it is 25.',
    );
  });
});
