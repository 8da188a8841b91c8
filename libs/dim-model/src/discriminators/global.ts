/**
 * Global mutual-information discriminator of Deep InfoMax (Hjelm et al., ICLR 2019,
 * arXiv:1808.06670): two 3x3 valid convolutions over M (64, then 32 channels, ReLU), flattened
 * and concatenated with y, then dense layers of 512, 512 and 1 units (ReLU between).
 */
import * as tf from '@tensorflow/tfjs-core';

import { applyConv2D, createConv2D, type Conv2DLayer } from '../layers/conv';
import { applyDense, createDense, type DenseLayer } from '../layers/dense';
import type { VariableStore } from '../layers/variable-store';
import { derangeBatch } from '../mutual-information';
import type { PairScores } from './local';

export const GLOBAL_DISCRIMINATOR_CONV_FILTERS = [64, 32] as const;
export const GLOBAL_DISCRIMINATOR_UNITS = 512;
const KERNEL_SIZE = 3;

export interface GlobalDiscriminator {
  readonly conv1: Conv2DLayer;
  readonly conv2: Conv2DLayer;
  /** Dense over concat(flattened conv features, y): kernel rows [0, flatFeatures) act on the features. */
  readonly dense1: DenseLayer;
  readonly dense2: DenseLayer;
  readonly dense3: DenseLayer;
  readonly flatFeatures: number;
}

/** Flattened size of the conv features for a local feature map of the given shape. */
export function globalDiscriminatorFlatFeatures(localFeatureShape: readonly [number, number, number]): number {
  const [height, width] = localFeatureShape;
  const shrink = GLOBAL_DISCRIMINATOR_CONV_FILTERS.length * (KERNEL_SIZE - 1);
  if (height - shrink < 1 || width - shrink < 1) {
    throw new Error(
      `Local feature map ${height}x${width} is too small for the global discriminator's two 3x3 valid convs: it needs at least ${shrink + 1}x${shrink + 1}.`,
    );
  }
  return (height - shrink) * (width - shrink) * GLOBAL_DISCRIMINATOR_CONV_FILTERS[1];
}

export function createGlobalDiscriminator(
  store: VariableStore,
  localFeatureShape: readonly [number, number, number],
  embeddingDim: number,
): GlobalDiscriminator {
  const flatFeatures = globalDiscriminatorFlatFeatures(localFeatureShape);
  const [filters1, filters2] = GLOBAL_DISCRIMINATOR_CONV_FILTERS;
  const conv3x3 = (inChannels: number, filters: number) =>
    ({ inChannels, filters, kernelSize: KERNEL_SIZE, strides: 1, padding: 'valid', useBias: true }) as const;
  return {
    conv1: createConv2D(store.scope('conv1'), conv3x3(localFeatureShape[2], filters1)),
    conv2: createConv2D(store.scope('conv2'), conv3x3(filters1, filters2)),
    dense1: createDense(store.scope('dense1'), flatFeatures + embeddingDim, GLOBAL_DISCRIMINATOR_UNITS, true),
    dense2: createDense(store.scope('dense2'), GLOBAL_DISCRIMINATOR_UNITS, GLOBAL_DISCRIMINATOR_UNITS, true),
    dense3: createDense(store.scope('dense3'), GLOBAL_DISCRIMINATOR_UNITS, 1, true),
    flatFeatures,
  };
}

/**
 * Scores joint and marginal pairs: [batch, 1] each. The convs and the feature half of the first
 * dense layer act on each image's M alone, so they run once and their output is rolled for the
 * marginal pairs instead of running them again on M'.
 */
export function scoreGlobalPairs(
  discriminator: GlobalDiscriminator,
  localFeatures: tf.Tensor4D,
  embedding: tf.Tensor2D,
): PairScores {
  const { dense1, flatFeatures } = discriminator;
  const [batchSize] = localFeatures.shape;
  const [inputs, units] = dense1.kernel.shape;

  const convFeatures = tf.relu(applyConv2D(discriminator.conv2, tf.relu(applyConv2D(discriminator.conv1, localFeatures))));
  const flat: tf.Tensor2D = tf.reshape(convFeatures, [batchSize, flatFeatures]);

  const featureKernel: tf.Tensor2D = tf.slice(dense1.kernel, [0, 0], [flatFeatures, units]);
  const embeddingKernel: tf.Tensor2D = tf.slice(dense1.kernel, [flatFeatures, 0], [inputs - flatFeatures, units]);
  const featureTerm = applyDense({ kernel: featureKernel, bias: dense1.bias }, flat);
  const embeddingTerm = tf.matMul(embedding, embeddingKernel);

  const jointHidden = tf.relu(tf.add(featureTerm, embeddingTerm)) as tf.Tensor2D;
  const marginalHidden = tf.relu(tf.add(derangeBatch(featureTerm), embeddingTerm)) as tf.Tensor2D;

  const hidden = tf.relu(applyDense(discriminator.dense2, tf.concat([jointHidden, marginalHidden])));
  const scores = applyDense(discriminator.dense3, hidden);
  const [joint, marginal] = tf.split(scores, 2);
  return { joint, marginal };
}
