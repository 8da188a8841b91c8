import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

import '../backend/gradients';
import { initWasmBackend } from '../backend/wasm';

/** Test helpers that compare an op on one backend with the reference on the cpu backend. */

/** Runs `fn` with `backend` active, initialising WASM on first use, and restores the previous backend. */
export async function onBackend<T>(backend: string, fn: () => T): Promise<T> {
  if (backend === 'wasm') {
    await initWasmBackend();
  }
  const previous = tf.getBackend();
  await tf.setBackend(backend);
  try {
    return fn();
  } finally {
    if (previous != null) {
      await tf.setBackend(previous);
    }
  }
}

/** Returns a tensor of uniform values in [-1, 1) that depends only on shape and seed, on any backend. */
export function randomTensor(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed);
}

/** Returns max |actual - expected| divided by max |expected|, so tiny entries do not dominate. */
export function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) {
    throw new Error(`maxRelativeError: lengths differ (${actual.length} vs ${expected.length}).`);
  }
  let maxDifference = 0;
  let maxMagnitude = 0;
  for (let i = 0; i < expected.length; i++) {
    maxDifference = Math.max(maxDifference, Math.abs(actual[i] - expected[i]));
    maxMagnitude = Math.max(maxMagnitude, Math.abs(expected[i]));
  }
  return maxDifference / Math.max(maxMagnitude, Number.MIN_VALUE);
}
