import * as tf from '@tensorflow/tfjs-core';

import { conv2d } from './conv2d';
import { conv2dFilterGrad, conv2dInputGrad, convGeometry } from './conv2d_grad';
import { maxRelativeError, onBackend, randomTensor } from './testing';

type Case = { input: [number, number]; kernel: number; stride: number; pad: 'valid' | 'same' };

const cases: Case[] = [];
for (const kernel of [1, 3, 4]) {
  for (const stride of [1, 2]) {
    for (const pad of ['valid', 'same'] as const) {
      // An odd and an even size, so 'same' padding with an odd total and valid convolutions
      // that leave rows unread are both covered.
      cases.push({ input: [7, 6], kernel, stride, pad }, { input: [8, 9], kernel, stride, pad });
    }
  }
}

/** Gradients of sum(conv(x, f) * weights) with respect to x and f, computed by `convolve`. */
function gradients(
  convolve: (x: tf.Tensor4D, f: tf.Tensor4D) => tf.Tensor4D,
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  seed: number,
): { y: Float32Array; dx: Float32Array; dFilter: Float32Array } {
  return tf.tidy(() => {
    const y = convolve(x, filter);
    const weights = randomTensor(y.shape, seed);
    const [dx, dFilter] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(convolve(a as tf.Tensor4D, b as tf.Tensor4D), weights)))([
      x,
      filter,
    ]);
    return { y: y.dataSync() as Float32Array, dx: dx.dataSync() as Float32Array, dFilter: dFilter.dataSync() as Float32Array };
  });
}

describe('conv2d', () => {
  describe.each(['cpu', 'wasm'])('on %s', (backend) => {
    test.each(cases)('matches tf.conv2d on cpu: $input k$kernel s$stride $pad', async ({ input, kernel, stride, pad }) => {
      const xShape = [2, input[0], input[1], 3];
      const filterShape = [kernel, kernel, 3, 5];
      const reference = await onBackend('cpu', () => {
        const x = randomTensor(xShape, 1) as tf.Tensor4D;
        const filter = randomTensor(filterShape, 2) as tf.Tensor4D;
        return gradients((a, b) => tf.conv2d(a, b, stride, pad), x, filter, 3);
      });
      const actual = await onBackend(backend, () => {
        const x = randomTensor(xShape, 1) as tf.Tensor4D;
        const filter = randomTensor(filterShape, 2) as tf.Tensor4D;
        return gradients((a, b) => conv2d(a, b, stride, pad), x, filter, 3);
      });

      expect(maxRelativeError(actual.y, reference.y)).toBeLessThan(1e-4);
      expect(maxRelativeError(actual.dx, reference.dx)).toBeLessThan(1e-4);
      expect(maxRelativeError(actual.dFilter, reference.dFilter)).toBeLessThan(1e-4);
    });
  });

  // conv2d uses these functions only on WASM, so they are also checked on cpu directly. With
  // loss = sum(conv(x, f) * weights), dy equals weights.
  test.each(cases)('forward-conv gradients on cpu: $input k$kernel s$stride $pad', async ({ input, kernel, stride, pad }) => {
    const { expected, actual } = await onBackend('cpu', () => {
      const x = randomTensor([2, input[0], input[1], 3], 1) as tf.Tensor4D;
      const filter = randomTensor([kernel, kernel, 3, 5], 2) as tf.Tensor4D;
      const reference = gradients((a, b) => tf.conv2d(a, b, stride, pad), x, filter, 3);
      const geometry = convGeometry(x.shape, filter.shape, stride, pad);
      const dy = randomTensor([2, geometry.outHeight, geometry.outWidth, 5], 3) as tf.Tensor4D;
      return {
        expected: reference,
        actual: { dx: conv2dInputGrad(dy, filter, geometry).dataSync(), dFilter: conv2dFilterGrad(x, dy, geometry).dataSync() },
      };
    });

    expect(maxRelativeError(actual.dx, expected.dx)).toBeLessThan(1e-4);
    expect(maxRelativeError(actual.dFilter, expected.dFilter)).toBeLessThan(1e-4);
  });

  test('rejects invalid strides and pad', () => {
    const x = tf.zeros([1, 4, 4, 2]) as tf.Tensor4D;
    const filter = tf.zeros([3, 3, 2, 1]) as tf.Tensor4D;
    expect(() => conv2d(x, filter, 0, 'valid')).toThrow(/invalid strides 0/);
    expect(() => conv2d(x, filter, 1, 'full' as 'valid')).toThrow(/invalid pad 'full'.*'valid' or 'same'/);
  });

  test('rejects mismatched channels', () => {
    const x = tf.zeros([1, 4, 4, 3]) as tf.Tensor4D;
    const filter = tf.zeros([3, 3, 2, 1]) as tf.Tensor4D;
    expect(() => conv2d(x, filter, 1, 'valid')).toThrow(/3 channels but the filter expects 2/);
  });
});
