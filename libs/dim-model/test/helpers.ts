import * as tf from '@tensorflow/tfjs-core';

import { parseBackendChoice, selectBackend } from '../src/backend';

/**
 * Selects the backend of the calling test file: DIM_TEST_BACKEND, default wasm. The model
 * tests run on WASM with this library's gradient kernels because the pure-JS backend trains
 * the paper preset about 20 times slower, too slow for a 2-core CI machine. The kernels
 * themselves are checked against the pure-JS backend in src/ops.
 */
export function useTestBackend(): void {
  beforeAll(async () => {
    await selectBackend({ backend: parseBackendChoice(process.env.DIM_TEST_BACKEND ?? 'wasm'), log: () => undefined });
  });
}

/** Returns a fixed batch of images in the model's input range [-1, 1]. */
export function randomImages(batchSize: number, seed: number): tf.Tensor4D {
  return tf.randomUniform([batchSize, 32, 32, 3], -1, 1, 'float32', seed) as tf.Tensor4D;
}

/** Largest absolute element-wise difference of two tensors, read back to the CPU. */
export function maxAbsDifference(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}
