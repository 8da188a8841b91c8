/**
 * Deep InfoMax objectives (Hjelm et al., ICLR 2019, arXiv:1808.06670). Local and global losses
 * are negated Jensen-Shannon MI estimates, so all components are minimised:
 *
 *   encoder loss = alpha * global + beta * local + gamma * prior (generator)
 *
 * The prior discriminator has its own loss and optimizer, see prior-matching.ts.
 */
import * as tf from '@tensorflow/tfjs-core';

import type { DimConfig } from './config';
import { scoreGlobalPairs } from './discriminators/global';
import { scoreLocalPairs } from './discriminators/local';
import { priorLogits } from './discriminators/prior';
import { applyEncoder } from './encoder';
import type { BatchNormMode } from './layers/batch-norm';
import type { DimModel } from './model';
import { jsdMutualInformation } from './mutual-information';
import { priorDiscriminatorLoss, priorGeneratorLoss, toPriorSpace } from './prior-matching';

export interface EncoderLosses {
  /** alpha * global + beta * local + gamma * prior. */
  readonly total: tf.Scalar;
  /** Negated JSD MI estimate between M and y, averaged over M's positions. */
  readonly local: tf.Scalar;
  /** Negated JSD MI estimate between the whole of M and y. */
  readonly global: tf.Scalar;
  /** The encoder's generator loss against the prior discriminator. */
  readonly prior: tf.Scalar;
  /** Embedding y of the batch, for the prior discriminator's loss. */
  readonly embedding: tf.Tensor2D;
}

export function weightedTotal(
  { local, global, prior }: { local: tf.Scalar; global: tf.Scalar; prior: tf.Scalar },
  { alpha, beta, gamma }: Pick<DimConfig, 'alpha' | 'beta' | 'gamma'>,
): tf.Scalar {
  return tf.addN([tf.mul(global, alpha), tf.mul(local, beta), tf.mul(prior, gamma)]) as tf.Scalar;
}

/** Runs the encoder on `images` and computes its losses, with the discriminators as they are. */
export function computeEncoderLosses(model: DimModel, images: tf.Tensor4D, mode: BatchNormMode): EncoderLosses {
  const { localFeatures, embedding } = applyEncoder(model.encoder, images, mode);

  const localScores = scoreLocalPairs(model.localDiscriminator, localFeatures, embedding);
  const local = tf.neg(jsdMutualInformation(localScores.joint, localScores.marginal));
  const globalScores = scoreGlobalPairs(model.globalDiscriminator, localFeatures, embedding);
  const global = tf.neg(jsdMutualInformation(globalScores.joint, globalScores.marginal));
  const prior = priorGeneratorLoss(priorLogits(model.priorDiscriminator, toPriorSpace(embedding)));

  return { total: weightedTotal({ local, global, prior }, model.config), local, global, prior, embedding };
}

/** Loss of the prior discriminator on prior samples against the embeddings (treated as constants). */
export function computePriorDiscriminatorLoss(
  model: DimModel,
  embedding: tf.Tensor2D,
  priorSamples: tf.Tensor2D,
): tf.Scalar {
  return priorDiscriminatorLoss(
    priorLogits(model.priorDiscriminator, priorSamples),
    priorLogits(model.priorDiscriminator, toPriorSpace(embedding)),
  );
}
