import type { NeighbourTable } from './distances';
import type { Labels } from './labels';

/**
 * Predicts each query's class by majority vote of its `k` nearest neighbours, which must be the
 * first `k` columns of `neighbours` (nearest first).
 *
 * Ties between classes with the same number of votes go to the class whose voters have the
 * smaller sum of L2 distances (not squared), because it is the closer class on average. If the
 * sums are exactly equal too, the class of the nearest of the tied neighbours wins, so the
 * result depends only on the neighbour order.
 */
export function knnPredict(neighbours: NeighbourTable, trainLabels: Labels, k: number, classCount: number): Int32Array {
  checkK(neighbours, k);
  const predictions = new Int32Array(neighbours.queryCount);
  const votes = new Int32Array(classCount);
  const distanceSums = new Float64Array(classCount);
  // Rank (0 = nearest) of the first neighbour of each class, or k when the class has none.
  const firstRanks = new Int32Array(classCount);

  for (let query = 0; query < neighbours.queryCount; query++) {
    votes.fill(0);
    distanceSums.fill(0);
    firstRanks.fill(k);
    const rowStart = query * neighbours.k;
    for (let rank = 0; rank < k; rank++) {
      const label = trainLabels[neighbours.indices[rowStart + rank]];
      votes[label]++;
      distanceSums[label] += Math.sqrt(neighbours.squaredDistances[rowStart + rank]);
      if (firstRanks[label] === k) firstRanks[label] = rank;
    }

    let best = -1;
    for (let label = 0; label < classCount; label++) {
      if (votes[label] === 0) continue;
      if (best < 0 || winsTie(label, best, votes, distanceSums, firstRanks)) best = label;
    }
    predictions[query] = best;
  }
  return predictions;
}

/** Returns the share of queries whose kNN prediction equals their label. */
export function knnAccuracy(neighbours: NeighbourTable, trainLabels: Labels, queryLabels: Labels, k: number, classCount: number): number {
  const predictions = knnPredict(neighbours, trainLabels, k, classCount);
  let correct = 0;
  for (let query = 0; query < predictions.length; query++) {
    if (predictions[query] === queryLabels[query]) correct++;
  }
  return correct / predictions.length;
}

function winsTie(label: number, best: number, votes: Int32Array, distanceSums: Float64Array, firstRanks: Int32Array): boolean {
  if (votes[label] !== votes[best]) return votes[label] > votes[best];
  if (distanceSums[label] !== distanceSums[best]) return distanceSums[label] < distanceSums[best];
  return firstRanks[label] < firstRanks[best];
}

function checkK(neighbours: NeighbourTable, k: number): void {
  if (!Number.isInteger(k) || k < 1 || k > neighbours.k) {
    throw new RangeError(`Invalid k ${k}: expected an integer from 1 to the ${neighbours.k} neighbours found per query.`);
  }
}
