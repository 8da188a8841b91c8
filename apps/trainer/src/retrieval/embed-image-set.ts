import { toFloat32Batch, type ImageSet } from '@dim/dataset';
import { embed, type DimModel } from '@dim/dim-model';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Computes the embedding of every image in `set`, in file order, as one row-major
 * Float32Array of count x embeddingDim. Images are converted and encoded `batchSize` at
 * a time, so memory stays bounded for the 60,000-image splits.
 */
export async function embedImageSet(
  model: DimModel,
  set: ImageSet,
  batchSize: number,
  onBatch?: (done: number, total: number) => void,
): Promise<Float32Array> {
  const dimension = model.config.embeddingDim;
  const values = new Float32Array(set.count * dimension);
  const indices = new Uint32Array(batchSize);

  for (let start = 0; start < set.count; start += batchSize) {
    const size = Math.min(batchSize, set.count - start);
    for (let i = 0; i < size; i++) indices[i] = start + i;
    const pixels = toFloat32Batch(set, indices.subarray(0, size));

    const images = tf.tensor4d(pixels, [size, set.height, set.width, set.channels]);
    try {
      const embeddings = embed(model, images, batchSize);
      try {
        values.set(await embeddings.data(), start * dimension);
      } finally {
        embeddings.dispose();
      }
    } finally {
      images.dispose();
    }
    onBatch?.(start + size, set.count);
  }
  return values;
}
