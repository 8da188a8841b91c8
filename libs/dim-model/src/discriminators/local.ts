/**
 * Local mutual-information discriminator of Deep InfoMax (Hjelm et al., ICLR 2019,
 * arXiv:1808.06670): y is tiled over M's positions and concatenated with M, then 1x1
 * convolutions of 512, 512 and 1 channels (ReLU between) score every position.
 */
import * as tf from '@tensorflow/tfjs-core';

import { applyConv2D, createConv2D, type Conv2DLayer } from '../layers/conv';
import type { VariableStore } from '../layers/variable-store';
import { derangeBatch } from '../mutual-information';

export const LOCAL_DISCRIMINATOR_UNITS = 512;

export interface LocalDiscriminator {
  /** 1x1 conv over concat(M, tiled y): kernel rows [0, featureChannels) act on M, the rest on y. */
  readonly conv1: Conv2DLayer;
  readonly conv2: Conv2DLayer;
  readonly conv3: Conv2DLayer;
  readonly featureChannels: number;
}

export interface PairScores {
  /** Scores of (M_i, y_i). */
  readonly joint: tf.Tensor;
  /** Scores of (M_{i+1 mod n}, y_i), see `derangeBatch`. */
  readonly marginal: tf.Tensor;
}

export function createLocalDiscriminator(
  store: VariableStore,
  featureChannels: number,
  embeddingDim: number,
): LocalDiscriminator {
  const pointwise = (inChannels: number, filters: number) =>
    ({ inChannels, filters, kernelSize: 1, strides: 1, padding: 'valid', useBias: true }) as const;
  return {
    conv1: createConv2D(store.scope('conv1'), pointwise(featureChannels + embeddingDim, LOCAL_DISCRIMINATOR_UNITS)),
    conv2: createConv2D(store.scope('conv2'), pointwise(LOCAL_DISCRIMINATOR_UNITS, LOCAL_DISCRIMINATOR_UNITS)),
    conv3: createConv2D(store.scope('conv3'), pointwise(LOCAL_DISCRIMINATOR_UNITS, 1)),
    featureChannels,
  };
}

/**
 * Scores joint and marginal pairs at every position: [batch, height, width, 1] each.
 *
 * The first 1x1 conv over concat(M, tiled y) equals conv(M, K_M) + y·K_y broadcast over
 * positions, so the tiled tensor is never built. conv(M, K_M) is computed once and rolled for
 * the marginal pairs, because a 1x1 conv acts on each image separately.
 */
export function scoreLocalPairs(
  discriminator: LocalDiscriminator,
  localFeatures: tf.Tensor4D,
  embedding: tf.Tensor2D,
): PairScores {
  const { conv1, featureChannels } = discriminator;
  const [batchSize] = localFeatures.shape;
  const [, , inChannels, units] = conv1.kernel.shape;

  const featureKernel: tf.Tensor4D = tf.slice(conv1.kernel, [0, 0, 0, 0], [1, 1, featureChannels, units]);
  const embeddingKernel = tf.reshape(
    tf.slice(conv1.kernel, [0, 0, featureChannels, 0], [1, 1, inChannels - featureChannels, units]),
    [inChannels - featureChannels, units],
  );

  const featureTerm = applyConv2D({ ...conv1, kernel: featureKernel }, localFeatures);
  const embeddingTerm = tf.reshape(tf.matMul(embedding, embeddingKernel), [batchSize, 1, 1, units]);

  const jointHidden = tf.relu(tf.add(featureTerm, embeddingTerm)) as tf.Tensor4D;
  const marginalHidden = tf.relu(tf.add(derangeBatch(featureTerm), embeddingTerm)) as tf.Tensor4D;

  // One pass over both halves keeps the number of kernel launches per step down.
  const hidden = tf.relu(applyConv2D(discriminator.conv2, tf.concat([jointHidden, marginalHidden])));
  const scores = applyConv2D(discriminator.conv3, hidden);
  const [joint, marginal] = tf.split(scores, 2);
  return { joint, marginal };
}
