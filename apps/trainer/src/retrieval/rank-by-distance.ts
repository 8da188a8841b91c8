/** One retrieved image: its row in the embedding matrix and its L2 distance to the query. */
export interface Neighbour {
  readonly index: number;
  readonly distance: number;
}

export type RankOrder = 'nearest' | 'farthest';

/**
 * A row-major matrix of `count` embeddings of `dimension` floats each, the layout that
 * `embed` produces and the embedding cache stores.
 */
export interface EmbeddingMatrix {
  readonly values: Float32Array;
  readonly dimension: number;
}

/** Returns the number of rows after checking that the matrix shape is consistent. */
export function embeddingCount(matrix: EmbeddingMatrix): number {
  const { values, dimension } = matrix;
  if (!Number.isInteger(dimension) || dimension < 1) {
    throw new RangeError(`Embedding dimension must be a positive integer, got ${dimension}.`);
  }
  if (values.length % dimension !== 0) {
    throw new RangeError(
      `Embedding buffer length ${values.length} is not a multiple of the dimension ${dimension}.`,
    );
  }
  return values.length / dimension;
}

/**
 * Computes the L2 distance from row `queryIndex` to every row. The query's own entry is
 * NaN so that callers cannot mistake it for a neighbour at distance 0. Sums run in
 * float64 so that ranking does not depend on float32 rounding.
 */
export function distancesFrom(matrix: EmbeddingMatrix, queryIndex: number): Float64Array {
  const count = embeddingCount(matrix);
  if (!Number.isInteger(queryIndex) || queryIndex < 0 || queryIndex >= count) {
    throw new RangeError(`Query index ${queryIndex} is outside the ${count} embeddings (valid: 0 to ${count - 1}).`);
  }

  const { values, dimension } = matrix;
  const queryOffset = queryIndex * dimension;
  const distances = new Float64Array(count);
  for (let row = 0; row < count; row++) {
    const rowOffset = row * dimension;
    let sum = 0;
    for (let j = 0; j < dimension; j++) {
      const difference = values[rowOffset + j] - values[queryOffset + j];
      sum += difference * difference;
    }
    distances[row] = Math.sqrt(sum);
  }
  distances[queryIndex] = Number.NaN;
  return distances;
}

/**
 * Returns the `k` rows nearest to (or farthest from) row `queryIndex` by L2 distance,
 * best first. The query itself is never returned, even when other rows are identical to
 * it. Equal distances are ordered by ascending index in both orders, so results are
 * reproducible. When fewer than `k` other rows exist, all of them are returned.
 */
export function rankByDistance(
  matrix: EmbeddingMatrix,
  queryIndex: number,
  k: number,
  order: RankOrder,
): Neighbour[] {
  if (!Number.isInteger(k) || k < 0) {
    throw new RangeError(`k must be a non-negative integer, got ${k}.`);
  }
  const distances = distancesFrom(matrix, queryIndex);

  const candidates: number[] = [];
  for (let row = 0; row < distances.length; row++) {
    if (row !== queryIndex) candidates.push(row);
  }

  const sign = order === 'nearest' ? 1 : -1;
  candidates.sort((a, b) => sign * (distances[a] - distances[b]) || a - b);

  return candidates.slice(0, k).map((index) => ({ index, distance: distances[index] }));
}
