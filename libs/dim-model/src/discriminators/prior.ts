/**
 * Prior discriminator of Deep InfoMax (Hjelm et al., ICLR 2019, arXiv:1808.06670): dense layers
 * of 1000, 200 and 1 units (ReLU between) that tell samples of the prior from embeddings.
 * D(z) = sigmoid(logit). The logit is returned so losses can use softplus, which stays finite
 * where log(sigmoid(logit)) would underflow to -Infinity.
 */
import * as tf from '@tensorflow/tfjs-core';

import { applyDense, createDense, type DenseLayer } from '../layers/dense';
import type { VariableStore } from '../layers/variable-store';

export const PRIOR_DISCRIMINATOR_UNITS = [1000, 200] as const;

export interface PriorDiscriminator {
  readonly dense1: DenseLayer;
  readonly dense2: DenseLayer;
  readonly dense3: DenseLayer;
}

export function createPriorDiscriminator(store: VariableStore, embeddingDim: number): PriorDiscriminator {
  const [units1, units2] = PRIOR_DISCRIMINATOR_UNITS;
  return {
    dense1: createDense(store.scope('dense1'), embeddingDim, units1, true),
    dense2: createDense(store.scope('dense2'), units1, units2, true),
    dense3: createDense(store.scope('dense3'), units2, 1, true),
  };
}

/** Returns the logit of D(z) = P(z was drawn from the prior), shape [batch, 1]. */
export function priorLogits(discriminator: PriorDiscriminator, z: tf.Tensor2D): tf.Tensor2D {
  const hidden1 = tf.relu(applyDense(discriminator.dense1, z));
  const hidden2 = tf.relu(applyDense(discriminator.dense2, hidden1));
  return applyDense(discriminator.dense3, hidden2);
}
