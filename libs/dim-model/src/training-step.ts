/**
 * One Deep InfoMax training step (Hjelm et al., ICLR 2019, arXiv:1808.06670).
 *
 * Both players are updated from the same forward pass: the encoder and the MI discriminators
 * descend the encoder loss with the prior discriminator frozen, and the prior discriminator
 * descends its own loss with the embeddings held constant. Each side has its own Adam.
 *
 * Micro-batches bound memory: gradients of each micro-batch are weighted by its share of the
 * batch and summed, then applied once, so the update uses the mean over the whole batch. Two
 * things still depend on the micro-batch size: the MI marginal pairs are drawn within a
 * micro-batch, and batch norm normalises with (and updates its moving statistics from) each
 * micro-batch's statistics.
 */
import * as tf from '@tensorflow/tfjs-core';

import { validateImageBatch } from './encoder';
import { applyMovingStatisticsUpdates, type MovingStatisticsUpdate } from './layers/batch-norm';
import { deriveSeed } from './layers/variable-store';
import { computeEncoderLosses, computePriorDiscriminatorLoss } from './losses';
import type { DimModel } from './model';
import { samplePrior } from './prior-matching';

export interface TrainStepOptions {
  /** Largest number of images per forward/backward pass; defaults to the whole batch. */
  readonly microBatchSize?: number;
  /**
   * Index of this call's first micro-batch within the whole step, default 0. Prior samples are
   * seeded by (step, micro-batch index), so data-parallel replicas that each train one slice of
   * a batch pass distinct indices to draw distinct samples.
   */
  readonly firstMicroBatchIndex?: number;
}

/** Losses of one step, averaged over the batch, before the update. */
export interface StepLosses {
  /** Encoder loss: alpha * global + beta * local + gamma * prior. */
  readonly total: number;
  /** Negated local JSD MI estimate. */
  readonly local: number;
  /** Negated global JSD MI estimate. */
  readonly global: number;
  /** Encoder's generator loss against the prior discriminator, -log D(sigmoid(y)). */
  readonly prior: number;
  /** Prior discriminator's loss, -log D(p) - log(1 - D(sigmoid(y))). */
  readonly discriminator: number;
}

/** Gradients of one batch, keyed by variable path. The caller disposes them with `disposeStepGradients`. */
export interface StepGradients {
  readonly encoder: Map<string, tf.Tensor>;
  readonly prior: Map<string, tf.Tensor>;
  /** [total, local, global, prior, discriminator], see `StepLosses`. */
  readonly losses: tf.Tensor1D;
}

/**
 * Splits a batch into the fewest micro-batches of at most `microBatchSize` images, with sizes
 * as equal as possible. Every micro-batch needs 2 images to draw negative MI pairs from.
 */
export function splitIntoMicroBatches(batchSize: number, microBatchSize: number): number[] {
  if (!Number.isInteger(microBatchSize) || microBatchSize < 2) {
    throw new Error(`Invalid microBatchSize ${microBatchSize}: it must be an integer >= 2.`);
  }
  const count = Math.ceil(batchSize / microBatchSize);
  const smallest = Math.floor(batchSize / count);
  if (smallest < 2) {
    throw new Error(
      `A batch of ${batchSize} images cannot be split into micro-batches of at most ${microBatchSize} images with at least 2 each: use an even batch size or a larger microBatchSize.`,
    );
  }
  const remainder = batchSize % count;
  return Array.from({ length: count }, (_, index) => smallest + (index < remainder ? 1 : 0));
}

/**
 * Computes the step's gradients and losses without applying them. It updates batch-norm moving
 * statistics once per micro-batch, as every training-mode forward pass does.
 */
export function computeStepGradients(
  model: DimModel,
  images: tf.Tensor4D,
  options: TrainStepOptions = {},
): StepGradients {
  validateImageBatch(images, model.config.inputShape);
  const batchSize = images.shape[0];
  if (batchSize < 2) {
    throw new Error(
      `Cannot train on a batch of ${batchSize} image: mutual-information estimation pairs each image with another one, so batches need at least 2 images.`,
    );
  }
  const microBatchSizes = splitIntoMicroBatches(batchSize, options.microBatchSize ?? batchSize);

  const encoderGradients = new Map<string, tf.Tensor>();
  const priorGradients = new Map<string, tf.Tensor>();
  let losses: tf.Tensor1D | null = null;
  let offset = 0;

  microBatchSizes.forEach((size, index) => {
    const weight = size / batchSize;
    const microBatchIndex = (options.firstMicroBatchIndex ?? 0) + index;
    const priorSeed = deriveSeed(model.config.seed, `prior/${model.stepCount}/${microBatchIndex}`);
    const microBatch = computeMicroBatchGradients(model, images, offset, size, weight, priorSeed);
    offset += size;

    accumulate(encoderGradients, microBatch.encoder);
    accumulate(priorGradients, microBatch.prior);
    const previousLosses = losses;
    losses = previousLosses === null ? microBatch.losses : tf.add<tf.Tensor1D>(previousLosses, microBatch.losses);
    if (previousLosses !== null) {
      previousLosses.dispose();
      microBatch.losses.dispose();
    }
  });

  return { encoder: encoderGradients, prior: priorGradients, losses: losses as unknown as tf.Tensor1D };
}

/** Gradients and losses of one micro-batch, each already multiplied by its `weight`. */
function computeMicroBatchGradients(
  model: DimModel,
  images: tf.Tensor4D,
  offset: number,
  size: number,
  weight: number,
  priorSeed: number,
): StepGradients {
  const movingStatistics: MovingStatisticsUpdate[] = [];
  // Tensors that leave the encoder's gradient tape; tf.keep exempts them from its scope, so
  // they are disposed explicitly below.
  const kept: { embedding?: tf.Tensor2D; encoderLosses?: tf.Tensor1D } = {};

  try {
    const result = tf.tidy(() => {
      const microBatch = tf.slice(images, offset, size);

      const encoderStep = tf.variableGrads(() => {
        const losses = computeEncoderLosses(model, microBatch, { training: true, updates: movingStatistics });
        kept.embedding = tf.keep(losses.embedding);
        kept.encoderLosses = tf.keep(tf.stack([losses.total, losses.local, losses.global, losses.prior]) as tf.Tensor1D);
        return tf.mul(losses.total, weight);
      }, variableList(model.encoderOptimizer.parameters));

      // The embedding is a plain tensor here and no encoder variable is in the list, so the
      // prior discriminator's gradient cannot reach the encoder.
      const priorSamples = samplePrior(size, model.config.embeddingDim, priorSeed);
      const priorStep = tf.variableGrads(
        () => tf.mul(computePriorDiscriminatorLoss(model, kept.embedding as tf.Tensor2D, priorSamples), weight),
        variableList(model.priorOptimizer.parameters),
      );

      const losses = tf.concat([tf.mul(kept.encoderLosses as tf.Tensor1D, weight), tf.reshape(priorStep.value, [1])]);
      return { encoderGrads: encoderStep.grads, priorGrads: priorStep.grads, losses };
    });

    applyMovingStatisticsUpdates(movingStatistics);
    return {
      encoder: keyByPath(result.encoderGrads, model.encoderOptimizer.parameters),
      prior: keyByPath(result.priorGrads, model.priorOptimizer.parameters),
      losses: result.losses as tf.Tensor1D,
    };
  } finally {
    kept.embedding?.dispose();
    kept.encoderLosses?.dispose();
    for (const { value } of movingStatistics) if (!value.isDisposed) value.dispose();
  }
}

function variableList(parameters: ReadonlyMap<string, tf.Variable>): tf.Variable[] {
  return [...parameters.values()];
}

/** Re-keys gradients from TF.js variable names to the model's variable paths. */
function keyByPath(gradients: tf.NamedTensorMap, parameters: ReadonlyMap<string, tf.Variable>): Map<string, tf.Tensor> {
  const byPath = new Map<string, tf.Tensor>();
  for (const [path, variable] of parameters) {
    const gradient = gradients[variable.name];
    if (gradient !== undefined) byPath.set(path, gradient);
  }
  return byPath;
}

function accumulate(sum: Map<string, tf.Tensor>, addend: Map<string, tf.Tensor>): void {
  for (const [path, gradient] of addend) {
    const previous = sum.get(path);
    if (previous === undefined) {
      sum.set(path, gradient);
      continue;
    }
    sum.set(path, tf.add(previous, gradient));
    previous.dispose();
    gradient.dispose();
  }
}

export function disposeStepGradients(gradients: StepGradients): void {
  for (const gradient of [...gradients.encoder.values(), ...gradients.prior.values()]) gradient.dispose();
  gradients.losses.dispose();
}

/**
 * Runs one training step on `images` (float32 NHWC in [-1, 1]) and returns the losses before
 * the update. It reads them back with a single GPU-to-CPU transfer.
 */
export function trainStep(model: DimModel, images: tf.Tensor4D, options: TrainStepOptions = {}): StepLosses {
  const gradients = computeStepGradients(model, images, options);
  try {
    model.encoderOptimizer.applyGradients(gradients.encoder);
    model.priorOptimizer.applyGradients(gradients.prior);
    model.stepCount += 1;
    const [total, local, global, prior, discriminator] = gradients.losses.dataSync();
    return { total, local, global, prior, discriminator };
  } finally {
    disposeStepGradients(gradients);
  }
}
