import type { Batch } from '@dim/dataset';
import {
  createParallelTrainer,
  defaultWorkerCount,
  trainStep,
  type BackendInfo,
  type DimModel,
  type LogFn,
} from '@dim/dim-model';
import * as tf from '@tensorflow/tfjs-core';

import type { LossValues } from './types';

/**
 * Returns the step function that `runTrainingLoop` calls: it wraps a batch in a
 * float32 NHWC tensor, runs one DIM training step on it and frees the tensor.
 */
export function createDimTrainStep(model: DimModel, microBatchSize?: number): (batch: Batch) => Promise<LossValues> {
  const [height, width, channels] = model.config.inputShape;
  return async (batch) => {
    const images = tf.tensor4d(batch.images, [batch.indices.length, height, width, channels]);
    try {
      return trainStep(model, images, { microBatchSize });
    } finally {
      images.dispose();
    }
  };
}

/** Step function of a run and the hooks around it, for one thread or several replica workers. */
export interface DimTrainStepper {
  readonly trainStep: (batch: Batch) => Promise<LossValues>;
  /** Number of threads that train, 1 when the step runs in this thread. */
  readonly workers: number;
  /** Copies the replicas' state into the model, so it can be saved or used; does nothing in one thread. */
  readonly syncModel: () => Promise<void>;
  /** Stops the replica workers; does nothing in one thread. */
  readonly dispose: () => Promise<void>;
}

export interface DimTrainStepperOptions {
  readonly backend: BackendInfo;
  /** Threads to train on; default `defaultWorkerCount(backend.name, preset)`: 1 for native backends and light presets. */
  readonly workers?: number;
  readonly microBatchSize?: number;
  readonly log: LogFn;
}

/**
 * Returns the step function for `model`: `createDimTrainStep` in this thread for one worker,
 * else a data-parallel trainer whose replicas start from the model's whole state. With
 * several workers, `model` changes only through `syncModel`.
 */
export async function createDimTrainStepper(model: DimModel, options: DimTrainStepperOptions): Promise<DimTrainStepper> {
  const { backend, microBatchSize, log } = options;
  const parallelBackend = backend.name === 'wasm' || backend.name === 'cpu' ? backend.name : null;
  const workers = options.workers ?? defaultWorkerCount(backend.name, model.config.preset);
  if (!Number.isInteger(workers) || workers < 1) {
    throw new Error(`Invalid worker count ${workers}: expected an integer of at least 1.`);
  }

  if (workers === 1) {
    if (parallelBackend !== null) log('info', `Training on 1 ${parallelBackend === 'wasm' ? 'WASM' : 'CPU'} worker (this thread).`);
    return { trainStep: createDimTrainStep(model, microBatchSize), workers, syncModel: async () => undefined, dispose: async () => undefined };
  }
  if (parallelBackend === null) {
    throw new Error(
      `Cannot train on ${workers} workers with backend ${backend.name}: worker threads run the wasm and cpu backends only. ` +
        'Pass --workers 1 (TRAIN_WORKERS=1) or --backend wasm.',
    );
  }

  const trainer = await createParallelTrainer({ backend: parallelBackend, workers, model, microBatchSize, log });
  return {
    trainStep: (batch) => trainer.step(batch.images, batch.indices.length),
    workers,
    syncModel: () => trainer.copyStateInto(model),
    dispose: () => trainer.dispose(),
  };
}
