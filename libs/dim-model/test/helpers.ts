import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';

/** Selects the pure-JS CPU backend for the calling test file. */
export function useCpuBackend(): void {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
}

/** A fixed batch of images in the model's input range [-1, 1]. */
export function randomImages(batchSize: number, seed: number): tf.Tensor4D {
  return tf.randomUniform([batchSize, 32, 32, 3], -1, 1, 'float32', seed) as tf.Tensor4D;
}

/** Largest absolute element-wise difference of two tensors, read back to the CPU. */
export function maxAbsDifference(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}
