import * as tf from '@tensorflow/tfjs-core';

/**
 * 2-D convolution used by every model in this library (NHWC input, HWIO filter).
 * PLACEHOLDER: plain tf.conv2d; the backend-aware version with gradients expressed
 * as forward convolutions replaces it.
 */
export function conv2d(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  strides: number,
  pad: 'valid' | 'same',
): tf.Tensor4D {
  return tf.conv2d(x, filter, strides, pad);
}
