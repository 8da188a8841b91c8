import type { Batch } from '@dim/dataset';
import { trainStep, type DimModel } from '@dim/dim-model';
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
