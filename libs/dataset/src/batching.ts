import { checkImageIndex, imageBytes } from './image-set';
import { epochSeed, shuffledIndices } from './shuffle';
import type { ImageSet } from './types';

/*
 * Model input convention: float32 NHWC with each uint8 value x mapped to x / 127.5 - 1,
 * so 0 -> -1 and 255 -> 1. Every conversion of pixels to model input goes through
 * toFloat32Batch, so this is the one place that defines the scaling.
 */
const PIXEL_TO_INPUT = Float32Array.from({ length: 256 }, (_, x) => x / 127.5 - 1);

/**
 * Converts the images at `indices` to one float32 NHWC batch scaled to [-1, 1]
 * (x / 127.5 - 1). Writes into `out` when given (it must hold exactly
 * indices.length * height * width * channels values), so a training loop can reuse one
 * buffer.
 */
export function toFloat32Batch(set: ImageSet, indices: ArrayLike<number>, out?: Float32Array): Float32Array {
  const size = imageBytes(set);
  const length = indices.length * size;
  if (out && out.length !== length) {
    throw new RangeError(`Output buffer has ${out.length} values, expected ${length} (${indices.length} images of ${set.height}x${set.width}x${set.channels}).`);
  }
  const batch = out ?? new Float32Array(length);
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i];
    checkImageIndex(set, index);
    const source = index * size;
    const target = i * size;
    for (let k = 0; k < size; k++) batch[target + k] = PIXEL_TO_INPUT[set.pixels[source + k]];
  }
  return batch;
}

export interface Batch {
  /** Positions in the image set, in batch order. */
  readonly indices: Uint32Array;
  /** float32 NHWC input of shape [indices.length, height, width, channels], from toFloat32Batch. */
  readonly images: Float32Array;
  readonly labels: Uint8Array;
}

export interface BatchOptions {
  readonly batchSize: number;
  /** Base seed of the shuffle. The order depends only on seed and epoch. */
  readonly seed: number;
  /** Epoch number, mixed into the seed so each epoch has its own order. Default 0. */
  readonly epoch?: number;
  /** Keep file order instead of shuffling (for embedding every image). Default true. */
  readonly shuffle?: boolean;
  /**
   * Drop a final batch with fewer images than this. Default 1 (keep every image). DIM
   * needs 2, because its negative samples come from the other images of the batch.
   */
  readonly minBatchSize?: number;
}

/** Returns the number of batches `iterateBatches` yields for `count` images. */
export function batchCount(count: number, batchSize: number, minBatchSize = 1): number {
  const full = Math.floor(count / batchSize);
  const rest = count - full * batchSize;
  return full + (rest > 0 && rest >= minBatchSize ? 1 : 0);
}

/**
 * Yields one epoch of `set` as float32 batches in a seeded order. Every image appears
 * once, except those in a final batch smaller than `minBatchSize`.
 */
export function* iterateBatches(set: ImageSet, options: BatchOptions): Generator<Batch> {
  const { batchSize, seed, epoch = 0, shuffle = true, minBatchSize = 1 } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`Invalid batchSize ${batchSize}: expected a positive integer.`);
  }
  if (!Number.isInteger(minBatchSize) || minBatchSize < 1 || minBatchSize > batchSize) {
    throw new RangeError(`Invalid minBatchSize ${minBatchSize}: expected an integer from 1 to batchSize (${batchSize}).`);
  }

  let order: Uint32Array;
  if (shuffle) {
    order = shuffledIndices(set.count, epochSeed(seed, epoch));
  } else {
    order = new Uint32Array(set.count);
    for (let i = 0; i < set.count; i++) order[i] = i;
  }

  for (let start = 0; start < order.length; start += batchSize) {
    const indices = order.subarray(start, Math.min(start + batchSize, order.length));
    if (indices.length < minBatchSize) return;

    const labels = new Uint8Array(indices.length);
    for (let i = 0; i < indices.length; i++) labels[i] = set.labels[indices[i]];
    yield { indices, images: toFloat32Batch(set, indices), labels };
  }
}
