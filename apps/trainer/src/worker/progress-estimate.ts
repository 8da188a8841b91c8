import { FORWARD_BACKWARD_FACTOR } from '@dim/dim-model';

import type { LossValues, LoopState } from '../training/types';
import type { RunProgress } from './progress-reporter';

/**
 * Sizes of a run's two phases, from which the overall fraction and the time left are
 * estimated. A training image costs a forward and a backward pass, about
 * FORWARD_BACKWARD_FACTOR times an embedded image's forward pass, and the fraction weighs
 * the phases by that cost. Without the weighting, a short run on a small subset would sit
 * near 100% during the embedding of the whole data set, which can take longer than training.
 */
export interface RunSize {
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  /** Training images per epoch. */
  readonly trainImages: number;
  /** Registered images of the data set, all embedded at the end. */
  readonly imagesToEmbed: number;
}

export function trainingProgress(size: RunSize, state: LoopState, epoch: number, step: number): RunProgress {
  const { partial } = state;
  const trained = state.epoch * size.trainImages + partial.images;
  const imagesPerSecond = partial.seconds > 0 ? partial.images / partial.seconds : null;
  const losses = partial.steps > 0 ? meanLosses(partial.lossSums, partial.steps) : null;

  let etaSeconds: number | null = null;
  if (imagesPerSecond !== null && imagesPerSecond > 0) {
    const trainingLeft = (size.epochs * size.trainImages - trained) / imagesPerSecond;
    // Estimate: embedding runs the encoder forward only, so it is assumed to go FORWARD_BACKWARD_FACTOR times faster.
    const embeddingLeft = size.imagesToEmbed / (imagesPerSecond * FORWARD_BACKWARD_FACTOR);
    etaSeconds = trainingLeft + embeddingLeft;
  }

  return {
    phase: 'training',
    epoch,
    epochs: size.epochs,
    step,
    stepsPerEpoch: size.stepsPerEpoch,
    fraction: fraction(size, trained, 0),
    totalLoss: losses?.total ?? null,
    localLoss: losses?.local ?? null,
    globalLoss: losses?.global ?? null,
    priorLoss: losses?.prior ?? null,
    imagesPerSecond,
    etaSeconds,
    updatedAt: new Date().toISOString(),
  };
}

export function embeddingProgress(
  size: RunSize,
  embedded: number,
  imagesPerSecond: number | null,
  lastLosses: Pick<RunProgress, 'totalLoss' | 'localLoss' | 'globalLoss' | 'priorLoss'>,
): RunProgress {
  const etaSeconds = imagesPerSecond !== null && imagesPerSecond > 0 ? (size.imagesToEmbed - embedded) / imagesPerSecond : null;
  return {
    phase: 'embedding',
    epoch: size.epochs,
    epochs: size.epochs,
    step: size.stepsPerEpoch,
    stepsPerEpoch: size.stepsPerEpoch,
    fraction: fraction(size, size.epochs * size.trainImages, embedded),
    ...lastLosses,
    imagesPerSecond,
    etaSeconds,
    embeddedImages: embedded,
    imagesToEmbed: size.imagesToEmbed,
    updatedAt: new Date().toISOString(),
  };
}

function fraction(size: RunSize, trainedImages: number, embeddedImages: number): number {
  const trainingCost = size.epochs * size.trainImages * FORWARD_BACKWARD_FACTOR;
  const total = trainingCost + size.imagesToEmbed;
  if (total === 0) return 1;
  const done = trainedImages * FORWARD_BACKWARD_FACTOR + embeddedImages;
  return Math.min(1, Math.max(0, done / total));
}

function meanLosses(sums: LossValues, steps: number): LossValues {
  return {
    total: sums.total / steps,
    local: sums.local / steps,
    global: sums.global / steps,
    prior: sums.prior / steps,
    discriminator: sums.discriminator / steps,
  };
}
