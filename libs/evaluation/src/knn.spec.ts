import { knnAccuracy, knnPredict } from './knn';
import { neighbourTable } from './test-support';

// Train labels by train index: 0..3 are class 0, 4..7 class 1, 8..9 class 2.
const trainLabels = Uint8Array.from([0, 0, 0, 0, 1, 1, 1, 1, 2, 2]);

describe('knnPredict', () => {
  test('majority vote wins', () => {
    const table = neighbourTable([
      [[4, 1], [0, 2], [5, 3], [6, 4], [1, 5]],
      [[8, 1], [0, 2], [1, 3], [2, 4], [9, 5]],
    ]);
    expect(Array.from(knnPredict(table, trainLabels, 5, 3))).toEqual([1, 0]);
  });

  test('vote tie goes to smaller distance sum', () => {
    // Class 1 has the nearest neighbour, but class 0's two voters are closer in sum:
    // sqrt(4) + sqrt(4) = 4 against sqrt(1) + sqrt(16) = 5.
    const table = neighbourTable([[[4, 1], [0, 4], [1, 4], [5, 16]]]);
    expect(knnPredict(table, trainLabels, 4, 3)[0]).toBe(0);
  });

  test('sums are L2, not squared', () => {
    // Class 1 at squared distances 0 and 25 sums to 5 in L2 and 25 squared. Class 0 at 9 and 9
    // sums to 6 in L2 and 18 squared, so summing squared distances would pick class 0.
    const table = neighbourTable([[[4, 0], [0, 9], [1, 9], [5, 25]]]);
    expect(knnPredict(table, trainLabels, 4, 3)[0]).toBe(1);
  });

  test('equal votes and sums go to nearest', () => {
    const table = neighbourTable([
      [[8, 1], [4, 1], [5, 4], [9, 4]],
      [[4, 1], [8, 1], [9, 4], [5, 4]],
    ]);
    expect(Array.from(knnPredict(table, trainLabels, 4, 3))).toEqual([2, 1]);
  });

  test('uses only the first k columns', () => {
    const table = neighbourTable([[[0, 1], [4, 2], [5, 3], [6, 4], [7, 5]]]);
    expect(knnPredict(table, trainLabels, 1, 3)[0]).toBe(0);
    expect(knnPredict(table, trainLabels, 5, 3)[0]).toBe(1);
  });

  test('rejects k above table width', () => {
    const table = neighbourTable([[[0, 1], [4, 2]]]);
    expect(() => knnPredict(table, trainLabels, 3, 3)).toThrow('Invalid k 3: expected an integer from 1 to the 2 neighbours found per query.');
    expect(() => knnPredict(table, trainLabels, 0, 3)).toThrow('Invalid k 0');
  });
});

describe('knnAccuracy', () => {
  test('counts correct predictions', () => {
    const table = neighbourTable([
      [[0, 1], [1, 2], [4, 3]],
      [[4, 1], [5, 2], [0, 3]],
      [[8, 1], [9, 2], [0, 3]],
      [[0, 1], [1, 2], [2, 3]],
    ]);
    const queryLabels = Int32Array.from([0, 1, 2, 1]);
    expect(knnAccuracy(table, trainLabels, queryLabels, 3, 3)).toBe(0.75);
  });
});
