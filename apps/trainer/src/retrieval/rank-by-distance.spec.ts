import { distancesFrom, embeddingCount, rankByDistance } from './rank-by-distance';

// Five 2-D points: 0 and 3 coincide, 1 and 2 are both at distance 5 from 0, 4 is farthest.
const points = {
  values: new Float32Array([0, 0, 3, 4, 4, 3, 0, 0, 10, 0]),
  dimension: 2,
};

describe('rankByDistance', () => {
  it('excludes the query even when another row is identical', () => {
    const nearest = rankByDistance(points, 0, 4, 'nearest');

    expect(nearest.map((n) => n.index)).not.toContain(0);
    expect(nearest[0]).toEqual({ index: 3, distance: 0 });
  });

  it('breaks nearest ties by ascending index', () => {
    const nearest = rankByDistance(points, 0, 4, 'nearest');

    expect(nearest.map((n) => n.index)).toEqual([3, 1, 2, 4]);
    expect(nearest.map((n) => n.distance)).toEqual([0, 5, 5, 10]);
  });

  it('breaks farthest ties by ascending index', () => {
    const farthest = rankByDistance(points, 0, 4, 'farthest');

    expect(farthest.map((n) => n.index)).toEqual([4, 1, 2, 3]);
  });

  it('returns k results when k is smaller than the pool', () => {
    expect(rankByDistance(points, 4, 2, 'nearest').map((n) => n.index)).toEqual([2, 1]);
    expect(rankByDistance(points, 4, 1, 'farthest').map((n) => n.index)).toEqual([0]);
  });

  it('returns every other row when k exceeds the pool', () => {
    expect(rankByDistance(points, 2, 50, 'nearest')).toHaveLength(4);
  });

  it('returns nothing for k = 0 or a single row', () => {
    expect(rankByDistance(points, 1, 0, 'nearest')).toEqual([]);
    expect(rankByDistance({ values: new Float32Array([1, 2]), dimension: 2 }, 0, 10, 'nearest')).toEqual([]);
  });

  it('rejects invalid k and query indices', () => {
    expect(() => rankByDistance(points, 0, -1, 'nearest')).toThrow('k must be a non-negative integer, got -1');
    expect(() => rankByDistance(points, 0, 1.5, 'nearest')).toThrow('got 1.5');
    expect(() => rankByDistance(points, 5, 1, 'nearest')).toThrow('Query index 5 is outside the 5 embeddings');
    expect(() => rankByDistance(points, -1, 1, 'nearest')).toThrow('Query index -1');
  });
});

describe('distancesFrom', () => {
  it('marks the query entry as NaN', () => {
    const distances = distancesFrom(points, 1);

    expect(distances[1]).toBeNaN();
    expect(distances[0]).toBeCloseTo(5);
  });
});

describe('embeddingCount', () => {
  it('rejects a buffer that does not divide by the dimension', () => {
    expect(() => embeddingCount({ values: new Float32Array(5), dimension: 2 })).toThrow(
      'Embedding buffer length 5 is not a multiple of the dimension 2',
    );
  });
});
