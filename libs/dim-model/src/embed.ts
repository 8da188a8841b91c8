/**
 * Inference with a Deep InfoMax encoder (Hjelm et al., ICLR 2019, arXiv:1808.06670).
 */
import * as tf from '@tensorflow/tfjs-core';

import { applyEncoder, validateImageBatch } from './encoder';
import type { DimModel } from './model';

export const DEFAULT_EMBED_BATCH_SIZE = 256;

/**
 * Computes the embedding y of every image, [batch, embeddingDim], in chunks of `batchSize`
 * images to bound the memory of intermediate activations.
 *
 * y is the encoder's linear output before the sigmoid that prior matching applies. It is the
 * representation the MI discriminators are trained on, and the one to store and compare for
 * retrieval. Batch norm uses its moving statistics, so an image's embedding does not depend on
 * the other images in the batch.
 */
export function embed(model: DimModel, images: tf.Tensor4D, batchSize = DEFAULT_EMBED_BATCH_SIZE): tf.Tensor2D {
  validateImageBatch(images, model.config.inputShape);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new Error(`Invalid batchSize ${batchSize}: it must be a positive integer.`);
  }

  const imageCount = images.shape[0];
  if (imageCount === 0) return tf.zeros([0, model.config.embeddingDim]);
  const chunks: tf.Tensor2D[] = [];
  for (let offset = 0; offset < imageCount; offset += batchSize) {
    const size = Math.min(batchSize, imageCount - offset);
    chunks.push(
      tf.tidy(() => applyEncoder(model.encoder, tf.slice(images, offset, size), { training: false }).embedding),
    );
  }

  if (chunks.length === 1) return chunks[0];
  const embeddings = tf.concat(chunks);
  for (const chunk of chunks) chunk.dispose();
  return embeddings;
}
