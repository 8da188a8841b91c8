import * as tf from '@tensorflow/tfjs-core';

import { glorotUniform, type VariableStore } from './variable-store';

/** Fully connected layer: x · kernel + bias, with kernel of shape [inputs, units]. */
export interface DenseWeights {
  readonly kernel: tf.Tensor2D;
  readonly bias: tf.Tensor1D | null;
}

export interface DenseLayer extends DenseWeights {
  readonly kernel: tf.Variable<tf.Rank.R2>;
  readonly bias: tf.Variable<tf.Rank.R1> | null;
}

export function createDense(
  store: VariableStore,
  inputs: number,
  units: number,
  useBias: boolean,
): DenseLayer {
  const kernel = store.create(
    'kernel',
    glorotUniform([inputs, units], inputs, units, store.seedFor('kernel')) as tf.Tensor2D,
    true,
  );
  const bias = useBias ? store.create('bias', tf.zeros([units]) as tf.Tensor1D, true) : null;
  return { kernel, bias };
}

export function applyDense(layer: DenseWeights, x: tf.Tensor2D): tf.Tensor2D {
  const output: tf.Tensor2D = tf.matMul(x, layer.kernel);
  return layer.bias ? tf.add(output, layer.bias) : output;
}
