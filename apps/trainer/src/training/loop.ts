/**
 * The epoch and step loop of DIM training, free of command-line concerns so that a job
 * worker can run it too. The caller supplies the step function (usually `trainStep` of
 * @dim/dim-model on a tensor made from the batch), where checkpoints go, and callbacks.
 */
import { batchCount, iterateBatches, type Batch, type ImageSet } from '@dim/dataset';

import {
  emptyAccumulator,
  initialLoopState,
  LOSS_NAMES,
  type EpochAccumulator,
  type EpochMetrics,
  type LossValues,
  type LoopState,
} from './types';

/** DIM draws its negative samples from the other images of a batch, so a batch needs two. */
export const MIN_BATCH_SIZE = 2;

/** Progress of one finished step, passed to `onStep`. */
export interface StepEvent {
  /** 1-based epoch, and steps finished in it (so the first step reports 1). */
  readonly epoch: number;
  readonly step: number;
  readonly totalEpochs: number;
  readonly stepsPerEpoch: number;
  readonly globalStep: number;
  readonly images: number;
  readonly seconds: number;
  readonly losses: LossValues;
  /** Loop state after this step, ready to be stored with a checkpoint. */
  readonly state: LoopState;
}

/** Reason a checkpoint is written. */
export type CheckpointReason = 'interval' | 'final' | 'stopped';

export interface CheckpointPolicy {
  /** Save after every `everyEpochs` finished epochs. The last epoch and a stop always save. */
  readonly everyEpochs: number;
  readonly save: (state: LoopState, reason: CheckpointReason) => Promise<void>;
}

export interface TrainingLoopOptions {
  readonly images: ImageSet;
  readonly epochs: number;
  readonly batchSize: number;
  /** Seed of the data order. Epoch e visits the images in an order fixed by (seed, e). */
  readonly seed: number;
  readonly trainStep: (batch: Batch) => Promise<LossValues>;
  readonly checkpoint: CheckpointPolicy;
  /** Position to continue from, as stored in a checkpoint. Default: the start of the run. */
  readonly start?: LoopState;
  readonly onEpochStart?: (epoch: number, stepsPerEpoch: number, state: LoopState) => void | Promise<void>;
  readonly onStep?: (event: StepEvent) => void | Promise<void>;
  readonly onEpoch?: (metrics: EpochMetrics, state: LoopState) => void | Promise<void>;
  /** Polled after every step. When it returns true the loop saves a checkpoint and returns. */
  readonly shouldStop?: () => boolean;
}

export interface TrainingResult {
  readonly state: LoopState;
  /** Epochs finished by this call, not those finished before a resume. */
  readonly epochs: readonly EpochMetrics[];
  readonly stopped: boolean;
}

/** Returns the number of steps in one epoch: full batches plus a last one of at least two images. */
export function stepsPerEpoch(imageCount: number, batchSize: number): number {
  return batchCount(imageCount, batchSize, Math.min(MIN_BATCH_SIZE, batchSize));
}

function addLosses(sums: LossValues, losses: LossValues): LossValues {
  const result = { ...sums };
  for (const name of LOSS_NAMES) result[name] = sums[name] + losses[name];
  return result;
}

function meanLosses(sums: LossValues, steps: number): LossValues {
  const result = { ...sums };
  for (const name of LOSS_NAMES) result[name] = sums[name] / steps;
  return result;
}

/** Summarises a finished epoch from its accumulated sums. */
export function epochMetrics(epoch: number, accumulator: EpochAccumulator): EpochMetrics {
  return {
    epoch,
    steps: accumulator.steps,
    images: accumulator.images,
    seconds: accumulator.seconds,
    imagesPerSecond: accumulator.seconds > 0 ? accumulator.images / accumulator.seconds : 0,
    losses: meanLosses(accumulator.lossSums, Math.max(1, accumulator.steps)),
    finishedAt: new Date().toISOString(),
  };
}

function checkLosses(losses: LossValues, event: { epoch: number; step: number }): void {
  for (const name of LOSS_NAMES) {
    if (!Number.isFinite(losses[name])) {
      throw new Error(
        `The ${name} loss became ${losses[name]} at epoch ${event.epoch}, step ${event.step}. ` +
          'Lower --learning-rate or resume from an earlier checkpoint.',
      );
    }
  }
}

/**
 * Trains from `start` until `epochs` epochs are finished or `shouldStop` returns true.
 * A run resumed from a checkpoint replays the same batch order: the epoch's order is
 * regenerated from (seed, epoch) and the batches already trained are skipped.
 */
export async function runTrainingLoop(options: TrainingLoopOptions): Promise<TrainingResult> {
  const { images, epochs, batchSize, seed, checkpoint } = options;
  if (!Number.isInteger(batchSize) || batchSize < MIN_BATCH_SIZE) {
    throw new RangeError(`Invalid batch size ${batchSize}: DIM needs at least ${MIN_BATCH_SIZE} images a batch.`);
  }
  if (!Number.isInteger(epochs) || epochs < 1) {
    throw new RangeError(`Invalid epoch count ${epochs}: expected an integer of at least 1.`);
  }
  if (!Number.isInteger(checkpoint.everyEpochs) || checkpoint.everyEpochs < 1) {
    throw new RangeError(`Invalid checkpoint interval ${checkpoint.everyEpochs}: expected an integer of at least 1.`);
  }
  const steps = stepsPerEpoch(images.count, batchSize);
  if (steps === 0) {
    throw new RangeError(`${images.count} images give no batch of at least ${MIN_BATCH_SIZE}. Use more images.`);
  }

  let state = options.start ?? initialLoopState();
  if (state.step >= steps) {
    throw new RangeError(`Resume position step ${state.step} is beyond the ${steps} steps of an epoch. Use the same data set and batch size as the original run.`);
  }
  const finished: EpochMetrics[] = [];

  while (state.epoch < epochs) {
    const epoch = state.epoch + 1;
    await options.onEpochStart?.(epoch, steps, state);

    const batches = iterateBatches(images, {
      batchSize,
      seed,
      epoch: state.epoch,
      minBatchSize: Math.min(MIN_BATCH_SIZE, batchSize),
    });
    // Batches already trained before a mid-epoch checkpoint are drawn and discarded, so
    // the remaining ones arrive in the same order as in an uninterrupted run.
    const alreadyTrained = state.step;
    let skipped = 0;
    let stepStart = performance.now();

    for (const batch of batches) {
      if (skipped < alreadyTrained) {
        skipped++;
        stepStart = performance.now();
        continue;
      }

      const losses = await options.trainStep(batch);
      const seconds = (performance.now() - stepStart) / 1000;
      const step = state.step + 1;
      checkLosses(losses, { epoch, step });

      const partial: EpochAccumulator = {
        steps: state.partial.steps + 1,
        images: state.partial.images + batch.indices.length,
        seconds: state.partial.seconds + seconds,
        lossSums: addLosses(state.partial.lossSums, losses),
      };
      state = { epoch: state.epoch, step, globalStep: state.globalStep + 1, partial };
      await options.onStep?.({
        epoch,
        step,
        totalEpochs: epochs,
        stepsPerEpoch: steps,
        globalStep: state.globalStep,
        images: batch.indices.length,
        seconds,
        losses,
        state,
      });

      if (step < steps && options.shouldStop?.()) {
        await checkpoint.save(state, 'stopped');
        return { state, epochs: finished, stopped: true };
      }
      stepStart = performance.now();
    }

    const metrics = epochMetrics(epoch, state.partial);
    finished.push(metrics);
    state = { epoch, step: 0, globalStep: state.globalStep, partial: emptyAccumulator() };
    await options.onEpoch?.(metrics, state);

    const stopping = epoch < epochs && (options.shouldStop?.() ?? false);
    if (epoch === epochs) {
      await checkpoint.save(state, 'final');
    } else if (stopping) {
      await checkpoint.save(state, 'stopped');
      return { state, epochs: finished, stopped: true };
    } else if (epoch % checkpoint.everyEpochs === 0) {
      await checkpoint.save(state, 'interval');
    }
  }

  return { state, epochs: finished, stopped: false };
}
