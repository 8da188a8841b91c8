import { selectBackend } from '@dim/dim-model';

import { evaluateRetrieval, type LabelledVectors } from './evaluate';

/**
 * 1-d train split: 90 vectors of class 0 spread over [0, 0.089] and 210 of class 1 over
 * [10, 10.209], plus one vector of class 2 at 50. Every 20 nearest of a query near one cluster
 * come from that cluster, but 200 nearest always include all 90 of class 0 and 110 of class 1.
 */
function clusteredTrain(): LabelledVectors {
  const positions: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < 90; i++) {
    positions.push(i * 0.001);
    labels.push(0);
  }
  for (let i = 0; i < 210; i++) {
    positions.push(10 + i * 0.001);
    labels.push(1);
  }
  positions.push(50);
  labels.push(2);
  return { vectors: Float32Array.from(positions), labels: Uint8Array.from(labels) };
}

function test1d(positions: readonly number[], labels: readonly number[]): LabelledVectors {
  return { vectors: Float32Array.from(positions), labels: Int32Array.from(labels) };
}

describe('evaluateRetrieval', () => {
  beforeAll(async () => {
    await selectBackend({ backend: 'wasm', log: () => undefined });
  });

  test('hand-made clusters give known metrics', async () => {
    // Expected per query (kNN@20, kNN@200, share of 10 nearest with the query's label):
    // x=2 class 1: wrong, right, 0.   x=1 class 0: right, wrong, 1.   x=10 class 1: right, right, 1.
    // x=9 class 0: wrong, wrong, 0.   x=11 class 1: right, right, 1.  x=0.5 class 0: right, wrong, 1.
    const test = test1d([2, 1, 10, 9, 11, 0.5], [1, 0, 1, 0, 1, 0]);
    const metrics = await evaluateRetrieval({ train: clusteredTrain(), test, dim: 1 });

    expect(metrics.knn20Accuracy).toBeCloseTo(4 / 6, 12);
    expect(metrics.knn200Accuracy).toBeCloseTo(3 / 6, 12);
    expect(metrics.precisionAt10).toBeCloseTo(4 / 6, 12);
    expect(metrics.knnAccuracy).toEqual({ 20: metrics.knn20Accuracy, 200: metrics.knn200Accuracy });
  });

  test('extra ks are reported too', async () => {
    const test = test1d([2, 1, 10, 9, 11, 0.5], [1, 0, 1, 0, 1, 0]);
    const metrics = await evaluateRetrieval({ train: clusteredTrain(), test, dim: 1, ks: [1, 200, 250] });

    expect(Object.keys(metrics.knnAccuracy).map(Number)).toEqual([1, 20, 200, 250]);
    expect(metrics.knnAccuracy[1]).toBeCloseTo(4 / 6, 12);
    // The 250 nearest hold 90 of class 0 and 160 of class 1 for every query near 0 to 11.
    expect(metrics.knnAccuracy[250]).toBeCloseTo(3 / 6, 12);
  });

  test('train duplicate of a query counts', async () => {
    // Test and train are separate image sets, so a train vector equal to a query is a real
    // neighbour at distance 0 and is not excluded as the query itself.
    const test = test1d([50], [2]);
    const metrics = await evaluateRetrieval({ train: clusteredTrain(), test, dim: 1, ks: [1] });
    expect(metrics.knnAccuracy[1]).toBe(1);
    expect(metrics.precisionAt10).toBeCloseTo(0.1, 12);
  });

  test('chunk size does not change metrics', async () => {
    const test = test1d([2, 1, 10, 9, 11, 0.5], [1, 0, 1, 0, 1, 0]);
    const whole = await evaluateRetrieval({ train: clusteredTrain(), test, dim: 1 });
    const chunked = await evaluateRetrieval({ train: clusteredTrain(), test, dim: 1, queryChunkSize: 4 });
    expect(chunked).toEqual(whole);
  });

  test('reports progress per chunk', async () => {
    const test = test1d([2, 1, 10, 9, 11], [1, 0, 1, 0, 1]);
    const calls: Array<[number, number]> = [];
    await evaluateRetrieval({ train: clusteredTrain(), test, dim: 1, queryChunkSize: 2, onProgress: (done, total) => calls.push([done, total]) });
    expect(calls).toEqual([
      [2, 5],
      [4, 5],
      [5, 5],
    ]);
  });

  test('rejects train smaller than largest k', async () => {
    const train = test1d([0, 1, 2], [0, 1, 0]);
    await expect(evaluateRetrieval({ train, test: test1d([0], [0]), dim: 1 })).rejects.toThrow(
      'The train split has 3 vectors, fewer than the largest k (200); pass at least 200 train vectors.',
    );
  });

  test('rejects label count mismatch', async () => {
    const test = { vectors: Float32Array.from([1, 2]), labels: Uint8Array.from([0]) };
    await expect(evaluateRetrieval({ train: clusteredTrain(), test, dim: 1 })).rejects.toThrow(
      'The test labels have 1 entries but there are 2 test vectors; pass one label a vector.',
    );
  });

  test('rejects negative labels', async () => {
    await expect(evaluateRetrieval({ train: clusteredTrain(), test: test1d([1], [-1]), dim: 1 })).rejects.toThrow(
      'Invalid test label -1 at index 0: labels must be 0-based class indices.',
    );
  });

  test('rejects empty test split', async () => {
    await expect(evaluateRetrieval({ train: clusteredTrain(), test: test1d([], []), dim: 1 })).rejects.toThrow(
      'The test split has no vectors; pass at least one query.',
    );
  });

  test('rejects invalid ks', async () => {
    await expect(evaluateRetrieval({ train: clusteredTrain(), test: test1d([1], [0]), dim: 1, ks: [0] })).rejects.toThrow(
      'Invalid k 0 in ks: expected positive integers.',
    );
  });

  test('rejects vectors of another dim', async () => {
    await expect(evaluateRetrieval({ train: clusteredTrain(), test: test1d([1, 2, 3], [0]), dim: 2 })).rejects.toThrow(
      'The train vectors have 301 values, which is not a multiple of dim 2',
    );
  });
});
