import { nearestNeighbours, rowCount } from './distances';
import { knnAccuracy } from './knn';
import { checkLabels, type Labels } from './labels';
import { precisionAtK } from './precision';

/** One split's row-major vectors (`count * dim` values) and the class label of each. */
export interface LabelledVectors {
  readonly vectors: Float32Array;
  readonly labels: Labels;
}

export interface RetrievalInput {
  /** The searched vectors: the train split. */
  readonly train: LabelledVectors;
  /** The queries: the test split, disjoint from the train split, so no query finds itself. */
  readonly test: LabelledVectors;
  readonly dim: number;
  /**
   * k values of kNN accuracy reported in `knnAccuracy`. Default [20, 200]. 20 and 200 are
   * computed whether listed or not, because the stored metrics always contain them.
   */
  readonly ks?: readonly number[];
  /** Test vectors compared with all train vectors at once; see nearestNeighbours. */
  readonly queryChunkSize?: number;
  /** Called after each query chunk with the number of test vectors searched so far and the total. */
  readonly onProgress?: (doneQueries: number, totalQueries: number) => void;
}

/** Retrieval quality of one representation, as stored in training_runs.retrieval. */
export interface RetrievalMetrics {
  /** kNN classification accuracy of the test split against the train split, k = 20, L2. */
  readonly knn20Accuracy: number;
  /** The same with k = 200. */
  readonly knn200Accuracy: number;
  /** Mean share of each test vector's 10 nearest train vectors that have its label. */
  readonly precisionAt10: number;
  /** kNN accuracy for every k in `ks`, 20 and 200 included, keyed by k. */
  readonly knnAccuracy: Readonly<Record<number, number>>;
}

const REQUIRED_KS = [20, 200] as const;
const PRECISION_K = 10;

/**
 * Computes kNN classification accuracy and precision@10 of the test split searched in the train
 * split by L2 distance, on whichever TF.js backend is active.
 *
 * One neighbour search with the largest k serves every metric, because the k nearest are a
 * prefix of the 200 nearest. kNN ties follow knnPredict: the smaller summed L2 distance, then the
 * nearest neighbour's class. The train split needs at least 200 vectors (the largest k).
 */
export async function evaluateRetrieval(input: RetrievalInput): Promise<RetrievalMetrics> {
  const { train, test, dim } = input;
  const trainCount = rowCount({ vectors: train.vectors, dim }, 'train vectors');
  const testCount = rowCount({ vectors: test.vectors, dim }, 'test vectors');
  if (testCount === 0) {
    throw new RangeError('The test split has no vectors; pass at least one query.');
  }
  const classCount = Math.max(checkLabels(train.labels, trainCount, 'train'), checkLabels(test.labels, testCount, 'test'));

  const ks = [...new Set([...REQUIRED_KS, ...(input.ks ?? [])])].sort((a, b) => a - b);
  for (const k of ks) {
    if (!Number.isInteger(k) || k < 1) {
      throw new RangeError(`Invalid k ${k} in ks: expected positive integers.`);
    }
  }
  const largestK = Math.max(ks[ks.length - 1], PRECISION_K);
  if (largestK > trainCount) {
    throw new RangeError(`The train split has ${trainCount} vectors, fewer than the largest k (${largestK}); pass at least ${largestK} train vectors.`);
  }

  const neighbours = await nearestNeighbours({ vectors: test.vectors, dim }, { vectors: train.vectors, dim }, largestK, {
    queryChunkSize: input.queryChunkSize,
    onProgress: input.onProgress,
  });

  const knnAccuracyByK: Record<number, number> = {};
  for (const k of ks) {
    knnAccuracyByK[k] = knnAccuracy(neighbours, train.labels, test.labels, k, classCount);
  }
  return {
    knn20Accuracy: knnAccuracyByK[20],
    knn200Accuracy: knnAccuracyByK[200],
    precisionAt10: precisionAtK(neighbours, train.labels, test.labels, PRECISION_K),
    knnAccuracy: knnAccuracyByK,
  };
}
