import * as tf from '@tensorflow/tfjs-core';

import { maxRelativeError, onBackend, randomTensor } from '../ops/testing';

const flagCases = [
  { transposeA: false, transposeB: false },
  { transposeA: true, transposeB: false },
  { transposeA: false, transposeB: true },
  { transposeA: true, transposeB: true },
];

function shapes(transposeA: boolean, transposeB: boolean, batch: number[]): [number[], number[]] {
  const [m, k, n] = [5, 7, 3];
  return [[...batch, ...(transposeA ? [k, m] : [m, k])], [...batch, ...(transposeB ? [n, k] : [k, n])]];
}

describe('WASM matMul fast paths', () => {
  test.each(flagCases)('matMul matches cpu: %o', async ({ transposeA, transposeB }) => {
    for (const batch of [[], [2]]) {
      const [aShape, bShape] = shapes(transposeA, transposeB, batch);
      const run = () => tf.tidy(() => tf.matMul(randomTensor(aShape, 1), randomTensor(bShape, 2), transposeA, transposeB).dataSync());
      const expected = await onBackend('cpu', run);
      const actual = await onBackend('wasm', run);
      expect(maxRelativeError(actual, expected)).toBeLessThan(1e-5);
    }
  });

  // NOTE: rank-2 only, because the stock WASM _FusedMatMul (tfjs 4.22) already differs from cpu
  // on batched rank-3 operands with a bias, with or without transposes.
  test.each(flagCases)('fused matMul matches cpu: %o', async ({ transposeA, transposeB }) => {
    const [aShape, bShape] = shapes(transposeA, transposeB, []);
    const run = () =>
      tf.tidy(() =>
        tf.fused
          .matMul({ a: randomTensor(aShape, 1), b: randomTensor(bShape, 2), transposeA, transposeB, bias: randomTensor([3], 3), activation: 'relu' })
          .dataSync(),
      );
    const expected = await onBackend('cpu', run);
    const actual = await onBackend('wasm', run);
    expect(maxRelativeError(actual, expected)).toBeLessThan(1e-5);
  });

  test('matMul gradients match cpu', async () => {
    const run = () =>
      tf.tidy(() => {
        const weights = randomTensor([6, 4], 3);
        const gradient = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.matMul(a, b), weights)));
        return gradient([randomTensor([6, 9], 1), randomTensor([9, 4], 2)]).map((g) => g.dataSync());
      });
    const [expectedA, expectedB] = await onBackend('cpu', run);
    const [actualA, actualB] = await onBackend('wasm', run);
    expect(maxRelativeError(actualA, expectedA)).toBeLessThan(1e-5);
    expect(maxRelativeError(actualB, expectedB)).toBeLessThan(1e-5);
  });

  test('transposed operands are released', async () => {
    const leaked = await onBackend('wasm', () => {
      const a = tf.ones([4, 3]);
      const b = tf.ones([5, 4]);
      const before = tf.memory().numTensors;
      const bytesBefore = (tf.backend() as unknown as { dataIdMap: { numDataIds(): number } }).dataIdMap.numDataIds();
      tf.matMul(a, b, true, true).dispose();
      const bytesAfter = (tf.backend() as unknown as { dataIdMap: { numDataIds(): number } }).dataIdMap.numDataIds();
      tf.dispose([a, b]);
      return { tensors: tf.memory().numTensors - before + 2, dataIds: bytesAfter - bytesBefore };
    });
    expect(leaked.tensors).toBe(0);
    expect(leaked.dataIds).toBe(0);
  });
});
