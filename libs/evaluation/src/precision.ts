import type { NeighbourTable } from './distances';
import type { Labels } from './labels';

/**
 * Returns precision@k: over all queries, the mean share of the `k` nearest neighbours (the first
 * `k` columns of `neighbours`) whose label equals the query's label. Every query counts with
 * weight 1, and a neighbour at the same distance as the k-th but ranked after it does not count.
 */
export function precisionAtK(neighbours: NeighbourTable, trainLabels: Labels, queryLabels: Labels, k: number): number {
  if (!Number.isInteger(k) || k < 1 || k > neighbours.k) {
    throw new RangeError(`Invalid k ${k} for precision@k: expected an integer from 1 to the ${neighbours.k} neighbours found per query.`);
  }
  let matches = 0;
  for (let query = 0; query < neighbours.queryCount; query++) {
    const rowStart = query * neighbours.k;
    for (let rank = 0; rank < k; rank++) {
      if (trainLabels[neighbours.indices[rowStart + rank]] === queryLabels[query]) matches++;
    }
  }
  return matches / (neighbours.queryCount * k);
}
