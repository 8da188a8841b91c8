import * as tf from '@tensorflow/tfjs-core';

/**
 * Distance values one query chunk may hold: 2^24 float32 values are 64 MiB, whatever the number
 * of keys. For 50,000 keys that is 335 queries a chunk.
 */
export const DEFAULT_CHUNK_DISTANCE_VALUES = 2 ** 24;

/** Row-major float32 vectors: `vectors.length` is `count * dim`. */
export interface VectorMatrix {
  readonly vectors: Float32Array;
  readonly dim: number;
}

/**
 * The `k` nearest keys of each query, nearest first. Row q of both arrays covers entries
 * q * k to q * k + k - 1.
 */
export interface NeighbourTable {
  readonly queryCount: number;
  readonly k: number;
  /** Row of each neighbour in the key matrix. */
  readonly indices: Int32Array;
  /** Squared L2 distance of each neighbour, computed in float32 and clamped at 0. */
  readonly squaredDistances: Float32Array;
}

export interface NearestNeighbourOptions {
  /**
   * Queries a chunk compares with all keys at once. Default: as many as fit in
   * DEFAULT_CHUNK_DISTANCE_VALUES distances, at least 1.
   */
  readonly queryChunkSize?: number;
  /** Called after each chunk with the number of queries done so far and the total. */
  readonly onProgress?: (doneQueries: number, totalQueries: number) => void;
}

/**
 * Finds the `k` nearest keys of every query by squared L2 distance on the active TF.js backend.
 *
 * Distances come from ||q||^2 - 2 q.k + ||k||^2, so the bulk of the work is one matMul a chunk.
 * Queries are processed in chunks, so only a [chunk, keyCount] slice of the full distance matrix
 * exists at any time. The keys stay on the backend as one tensor. The wasm backend stores them
 * twice (as a tensor and packed by XNNPACK) in its heap of at most 4 GiB, so 50,000 keys of 3,072
 * floats take 1.2 GiB there.
 *
 * When XNNPACK cannot allocate its packed copy, tfjs-backend-wasm 4.22 only logs "XNN status
 * for xnn_create_fully_connected_nc_f32 is not successful" and leaves the output unwritten.
 * checkRowDistances catches such wrong output on the first row of every chunk.
 *
 * Ordering: nearest first. Equal float32 distances keep the lower key index first. TensorFlow's
 * TopKV2 documents that order, the tfjs cpu kernel sorts that way, and distances.spec.ts checks
 * it on the wasm kernel. Because the expansion rounds differently from a direct
 * sum of squared differences, two keys at nearly equal distance may swap places compared with
 * a brute-force float64 loop.
 */
export async function nearestNeighbours(
  queries: VectorMatrix,
  keys: VectorMatrix,
  k: number,
  options: NearestNeighbourOptions = {},
): Promise<NeighbourTable> {
  const dim = checkSameDim(queries, keys);
  const queryCount = rowCount(queries, 'queries');
  const keyCount = rowCount(keys, 'keys');
  if (!Number.isInteger(k) || k < 1 || k > keyCount) {
    throw new RangeError(`Invalid k ${k}: expected an integer from 1 to the number of keys (${keyCount}).`);
  }
  const chunkSize = options.queryChunkSize ?? Math.max(1, Math.floor(DEFAULT_CHUNK_DISTANCE_VALUES / keyCount));
  if (!Number.isInteger(chunkSize) || chunkSize < 1) {
    throw new RangeError(`Invalid queryChunkSize ${chunkSize}: expected a positive integer.`);
  }

  const indices = new Int32Array(queryCount * k);
  const squaredDistances = new Float32Array(queryCount * k);
  const keyMatrix = tf.tensor2d(keys.vectors, [keyCount, dim]);
  const negatedKeyNorms = tf.tidy(() => tf.neg(tf.sum(tf.square(keyMatrix), 1)));
  try {
    for (let start = 0; start < queryCount; start += chunkSize) {
      const end = Math.min(start + chunkSize, queryCount);
      const chunkVectors = queries.vectors.subarray(start * dim, end * dim);
      const top = tf.tidy(() => {
        const chunk = tf.tensor2d(chunkVectors, [end - start, dim]);
        // Ranks keys by 2 q.k - ||k||^2, which is ||q||^2 minus the squared distance, so the
        // largest scores are the nearest keys. One fused matMul with a bias produces the scores,
        // with no element-wise pass over the [chunk, keyCount] matrix. The wasm backend caches
        // its XNNPACK operator, and with it the packed keys, by the ids of the right operand and
        // the bias, so the keys are packed once for all chunks.
        const scores = tf.fused.matMul({ a: tf.mul(chunk, tf.scalar(2)), b: keyMatrix, transposeB: true, bias: negatedKeyNorms });
        return tf.topk(scores, k, true);
      });
      try {
        const [scores, topIndices] = await Promise.all([top.values.data(), top.indices.data()]);
        indices.set(topIndices as Int32Array, start * k);
        for (let row = start; row < end; row++) {
          const queryNorm = squaredNorm(queries.vectors, row, dim);
          for (let j = row * k; j < (row + 1) * k; j++) {
            // Rounding can push a true distance of 0 slightly below it.
            squaredDistances[j] = Math.max(0, queryNorm - scores[j - start * k]);
          }
        }
      } finally {
        top.values.dispose();
        top.indices.dispose();
      }
      checkRowDistances(queries.vectors, keys.vectors, dim, { queryCount, k, indices, squaredDistances }, start);
      options.onProgress?.(end, queryCount);
    }
  } finally {
    keyMatrix.dispose();
    negatedKeyNorms.dispose();
  }
  return { queryCount, k, indices, squaredDistances };
}

/**
 * Raises a RangeError when `matrix` is not `count * dim` finite values. A NaN or infinity would
 * make every distance of its row NaN and the neighbour order meaningless.
 */
export function rowCount(matrix: VectorMatrix, name: string): number {
  const { vectors, dim } = matrix;
  if (!Number.isInteger(dim) || dim < 1) {
    throw new RangeError(`Invalid dim ${dim} for ${name}: expected a positive integer.`);
  }
  if (vectors.length % dim !== 0) {
    throw new RangeError(`The ${name} have ${vectors.length} values, which is not a multiple of dim ${dim}; pass count * dim values.`);
  }
  for (let i = 0; i < vectors.length; i++) {
    if (!Number.isFinite(vectors[i])) {
      throw new RangeError(`The ${name} contain ${vectors[i]} at value ${i} (row ${Math.floor(i / dim)}); remove or fix non-finite vectors before evaluating.`);
    }
  }
  return vectors.length / dim;
}

/**
 * Raises an Error when the distances reported for query `row` differ from a float64
 * recomputation by more than float32 rounding of the expansion can explain. Costs k * dim
 * multiply-adds, far less than the chunk's search.
 */
export function checkRowDistances(queries: Float32Array, keys: Float32Array, dim: number, table: NeighbourTable, row: number): void {
  const queryNorm = squaredNorm(queries, row, dim);
  for (let rank = 0; rank < table.k; rank++) {
    const key = table.indices[row * table.k + rank];
    let exact = 0;
    for (let i = 0; i < dim; i++) {
      const difference = queries[row * dim + i] - keys[key * dim + i];
      exact += difference * difference;
    }
    // The expansion loses precision relative to the norms, not to the distance itself.
    const tolerance = 1e-3 * (queryNorm + squaredNorm(keys, key, dim)) + 1e-6;
    const reported = table.squaredDistances[row * table.k + rank];
    if (!(Math.abs(reported - exact) <= tolerance)) {
      throw new Error(
        `The ${tf.getBackend()} backend returned squared distance ${reported} for query ${row} and key ${key}, but it is ${exact}. ` +
          'On the wasm backend this means its heap ran out (look for an XNN status warning); evaluate fewer or shorter key vectors.',
      );
    }
  }
}

function squaredNorm(vectors: Float32Array, row: number, dim: number): number {
  let sum = 0;
  for (let i = row * dim; i < (row + 1) * dim; i++) sum += vectors[i] * vectors[i];
  return sum;
}

function checkSameDim(queries: VectorMatrix, keys: VectorMatrix): number {
  if (queries.dim !== keys.dim) {
    throw new RangeError(`The queries have dim ${queries.dim} but the keys have dim ${keys.dim}; both must come from the same representation.`);
  }
  return queries.dim;
}
