/** Minimum slice size, because the MI marginal pairs (M') are drawn within a slice. */
export const MIN_SLICE_SIZE = 2;

/**
 * Splits a batch across up to `workers` replicas in slices of as equal a size as possible,
 * each of at least 2 images. A batch smaller than 2 images a worker (for example the last,
 * partial batch of an epoch) goes to fewer replicas. The others still apply the update.
 */
export function splitBatchAcrossWorkers(batchSize: number, workers: number): number[] {
  if (!Number.isInteger(workers) || workers < 1) {
    throw new Error(`Invalid worker count ${workers}: expected an integer of at least 1.`);
  }
  if (!Number.isInteger(batchSize) || batchSize < MIN_SLICE_SIZE) {
    throw new Error(
      `Cannot split a batch of ${batchSize} images across ${workers} workers: each slice needs at least ${MIN_SLICE_SIZE} images, ` +
        'because mutual-information estimation pairs each image with another one of its slice. Use a batch of at least 2 images.',
    );
  }
  const count = Math.min(workers, Math.floor(batchSize / MIN_SLICE_SIZE));
  const smallest = Math.floor(batchSize / count);
  const remainder = batchSize % count;
  return Array.from({ length: count }, (_, index) => smallest + (index < remainder ? 1 : 0));
}
