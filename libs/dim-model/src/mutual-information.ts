/**
 * Jensen-Shannon mutual-information estimator of Deep InfoMax (Hjelm et al., ICLR 2019,
 * arXiv:1808.06670, after f-GAN, Nowozin et al. 2016):
 *
 *   I_JSD(M; y) = E_joint[-softplus(-T(M, y))] - E_marginal[softplus(T(M', y))]
 *
 * where T is a discriminator's score, joint pairs come from the same image and marginal pairs
 * combine y with the local features M' of another image.
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * Rolls the batch by one image: row i of the result is row (i + 1) mod n of `x`. For n >= 2 this
 * is a derangement, so every image's features are used once and none is paired with itself.
 */
export function derangeBatch<T extends tf.Tensor>(x: T): T {
  const batchSize = x.shape[0];
  if (batchSize < 2) {
    throw new Error(
      `Cannot draw negative pairs from a batch of ${batchSize} image: mutual-information estimation pairs each image with another one, so batches (and micro-batches) need at least 2 images.`,
    );
  }
  return tf.concat([tf.slice(x, 1), tf.slice(x, 0, 1)]) as T;
}

/**
 * Returns the JSD estimate of mutual information from discriminator scores (logits) of joint
 * and marginal pairs, averaged over every score (images and, for local scores, positions).
 */
export function jsdMutualInformation(jointScores: tf.Tensor, marginalScores: tf.Tensor): tf.Scalar {
  const jointTerm = tf.mean(tf.neg(tf.softplus(tf.neg(jointScores))));
  const marginalTerm = tf.mean(tf.softplus(marginalScores));
  return tf.sub(jointTerm, marginalTerm);
}
