import { precisionAtK } from './precision';
import { neighbourTable } from './test-support';

const trainLabels = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 2]);

function row(indices: readonly number[]): Array<[number, number]> {
  return indices.map((index, rank) => [index, rank + 1]);
}

describe('precisionAtK', () => {
  test('precision@10 is the mean share', () => {
    // Query 0 (class 0): 7 of 10 neighbours are class 0. Query 1 (class 1): 3 of 10.
    const table = neighbourTable([
      row([0, 1, 2, 7, 3, 4, 8, 5, 6, 9, 14]),
      row([0, 1, 2, 7, 3, 4, 8, 5, 6, 9, 10]),
    ]);
    const queryLabels = Uint8Array.from([0, 1]);
    expect(precisionAtK(table, trainLabels, queryLabels, 10)).toBeCloseTo(0.5, 12);
  });

  test('ignores columns after k', () => {
    const table = neighbourTable([row([0, 1, 7, 8])]);
    const queryLabels = Uint8Array.from([0]);
    expect(precisionAtK(table, trainLabels, queryLabels, 2)).toBe(1);
    expect(precisionAtK(table, trainLabels, queryLabels, 4)).toBe(0.5);
  });

  test('label absent from train gives 0', () => {
    const table = neighbourTable([row([0, 7, 14])]);
    expect(precisionAtK(table, trainLabels, Int32Array.from([3]), 3)).toBe(0);
  });

  test('rejects k above table width', () => {
    const table = neighbourTable([row([0, 1])]);
    expect(() => precisionAtK(table, trainLabels, Uint8Array.from([0]), 10)).toThrow(
      'Invalid k 10 for precision@k: expected an integer from 1 to the 2 neighbours found per query.',
    );
  });
});
