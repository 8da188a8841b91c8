import { toFloat32Batch, imageBytes, type ImageSet } from '@dim/dataset';
import { createDimModel, DEFAULT_EMBED_BATCH_SIZE, embed, type DimModel, type PresetName } from '@dim/dim-model';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Returns every image of `set` as one row-major vector of its height * width * channels pixel
 * values, scaled as model input (toFloat32Batch: x / 127.5 - 1). L2 on these vectors is the
 * raw-pixel baseline. CIFAR-10 train becomes 50,000 x 3,072 floats (614 MB).
 */
export function rawPixelVectors(set: ImageSet): { vectors: Float32Array; dim: number } {
  const indices = new Uint32Array(set.count);
  for (let i = 0; i < set.count; i++) indices[i] = i;
  return { vectors: toFloat32Batch(set, indices), dim: imageBytes(set) };
}

export interface EncoderVectorOptions {
  /** Images converted and encoded at a time; bounds the memory of activations. */
  readonly batchSize?: number;
  /** Called after each batch with the number of images embedded so far and the total. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Returns the embedding y of every image of `set` (see embed), as one row-major
 * Float32Array of count x embeddingDim, in file order.
 */
export async function encoderVectors(model: DimModel, set: ImageSet, options: EncoderVectorOptions = {}): Promise<{ vectors: Float32Array; dim: number }> {
  const batchSize = options.batchSize ?? DEFAULT_EMBED_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`Invalid batchSize ${batchSize}: expected a positive integer.`);
  }
  const dim = model.config.embeddingDim;
  const vectors = new Float32Array(set.count * dim);
  const indices = new Uint32Array(batchSize);

  for (let start = 0; start < set.count; start += batchSize) {
    const size = Math.min(batchSize, set.count - start);
    for (let i = 0; i < size; i++) indices[i] = start + i;
    const images = tf.tensor4d(toFloat32Batch(set, indices.subarray(0, size)), [size, set.height, set.width, set.channels]);
    try {
      const embeddings = embed(model, images, batchSize);
      try {
        vectors.set(await embeddings.data(), start * dim);
      } finally {
        embeddings.dispose();
      }
    } finally {
      images.dispose();
    }
    options.onProgress?.(start + size, set.count);
  }
  return { vectors, dim };
}

/**
 * Creates the untrained-encoder baseline: a model with `preset` initialised from `seed` and
 * never trained, so its embedding shows what the architecture gives before learning. The caller
 * disposes it with disposeModel.
 */
export function createUntrainedModel(preset: PresetName, seed: number, embeddingDim?: number): DimModel {
  return createDimModel({ preset, seed, ...(embeddingDim === undefined ? {} : { embeddingDim }) });
}
