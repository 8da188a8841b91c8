/**
 * Adversarial prior matching of Deep InfoMax (Hjelm et al., ICLR 2019, arXiv:1808.06670). The
 * prior discriminator D learns to tell samples of the prior from embeddings, and the encoder is
 * trained to fool it, which pushes the embedding distribution towards the prior.
 *
 * The two sides minimise different losses, as in a GAN (Goodfellow et al., 2014):
 * - discriminator: -log D(p) - log(1 - D(sigmoid(y))), with p ~ U[0, 1)^d;
 * - encoder (non-saturating generator loss): -log D(sigmoid(y)).
 * One summed loss minimised by both sides would train the encoder to make its embeddings easier
 * to tell apart from the prior, the opposite of the aim.
 *
 * With logits l, -log sigmoid(l) = softplus(-l) and -log(1 - sigmoid(l)) = softplus(l); both
 * stay finite where log of a saturated sigmoid would be -Infinity.
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * Maps the embedding y into the prior's support [0, 1)^d, as the DIM paper does with a sigmoid
 * on the encoder output for a uniform prior. Only the prior discriminator receives sigmoid(y).
 * The MI discriminators and retrieval use y itself, so prior matching shapes y towards a standard
 * logistic distribution per coordinate, the image of U(0, 1) under the logit.
 */
export function toPriorSpace(embedding: tf.Tensor2D): tf.Tensor2D {
  return tf.sigmoid(embedding);
}

/** Draws `batchSize` samples of the prior U[0, 1)^embeddingDim. */
export function samplePrior(batchSize: number, embeddingDim: number, seed: number): tf.Tensor2D {
  return tf.randomUniform([batchSize, embeddingDim], 0, 1, 'float32', seed);
}

/** Binary cross-entropy of D with prior samples labelled 1 and embeddings labelled 0. */
export function priorDiscriminatorLoss(priorSampleLogits: tf.Tensor, embeddingLogits: tf.Tensor): tf.Scalar {
  return tf.add(tf.mean(tf.softplus(tf.neg(priorSampleLogits))), tf.mean(tf.softplus(embeddingLogits)));
}

/** Non-saturating generator loss of the encoder: -log D(sigmoid(y)), averaged over the batch. */
export function priorGeneratorLoss(embeddingLogits: tf.Tensor): tf.Scalar {
  return tf.mean(tf.softplus(tf.neg(embeddingLogits)));
}
