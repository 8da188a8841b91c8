import { DimensionMismatchError, InvalidInputError } from '../errors';

/** pgvector's HNSW index accepts vectors of at most 2,000 dimensions. */
export const MAX_INDEXED_DIM = 2000;

/**
 * Checks a batch of embeddings before anything is written: one vector of `dim` float32 values
 * per image id, every value finite, no all-zero vector (its L2 direction is undefined and it
 * usually means the encoder produced nothing), and no image twice. Throws for the first bad
 * row and names its image, so the caller stores none of the batch.
 */
export function validateEmbeddings(imageIds: ArrayLike<number>, vectors: Float32Array, dim: number): void {
  if (!Number.isInteger(dim) || dim < 1 || dim > MAX_INDEXED_DIM) {
    throw new InvalidInputError(`Embedding dimension must be an integer from 1 to ${MAX_INDEXED_DIM}, got ${dim}.`);
  }
  if (imageIds.length === 0) {
    throw new InvalidInputError('No embeddings to write: imageIds is empty.');
  }
  if (vectors.length !== imageIds.length * dim) {
    throw new DimensionMismatchError(
      `The vectors array has ${vectors.length} values, but ${imageIds.length} images of dimension ${dim} need ${imageIds.length * dim}.`,
    );
  }

  const seen = new Set<number>();
  for (let row = 0; row < imageIds.length; row++) {
    const imageId = imageIds[row];
    if (!Number.isInteger(imageId) || imageId < 1) {
      throw new InvalidInputError(`Image id at row ${row} must be a positive integer, got ${imageId}.`);
    }
    if (seen.has(imageId)) {
      throw new InvalidInputError(`Image ${imageId} appears twice (second time at row ${row}); write one embedding per image.`);
    }
    seen.add(imageId);

    let allZero = true;
    for (let j = row * dim; j < (row + 1) * dim; j++) {
      const value = vectors[j];
      if (!Number.isFinite(value)) {
        throw new InvalidInputError(`Embedding of image ${imageId} (row ${row}) has ${value} at position ${j - row * dim}; only finite values can be stored.`);
      }
      if (value !== 0) allZero = false;
    }
    if (allZero) {
      throw new InvalidInputError(`Embedding of image ${imageId} (row ${row}) is all zeros; check the encoder output.`);
    }
  }
}
