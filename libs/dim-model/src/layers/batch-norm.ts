import * as tf from '@tensorflow/tfjs-core';

import type { VariableStore } from './variable-store';

/**
 * Batch normalisation over the last (channel) axis with moving statistics for inference
 * (Ioffe & Szegedy, 2015). Momentum and epsilon are PyTorch's BatchNorm defaults, which the DIM
 * PyTorch tutorial trains with: moving = 0.9 * moving + 0.1 * batch, epsilon 1e-5.
 */
export interface BatchNormLayer {
  readonly scale: tf.Variable<tf.Rank.R1>;
  readonly offset: tf.Variable<tf.Rank.R1>;
  readonly movingMean: tf.Variable<tf.Rank.R1>;
  readonly movingVariance: tf.Variable<tf.Rank.R1>;
}

export const BATCH_NORM_MOMENTUM = 0.9;
export const BATCH_NORM_EPSILON = 1e-5;

/** New value of a moving statistic, assigned by `applyMovingStatisticsUpdates`. */
export interface MovingStatisticsUpdate {
  readonly variable: tf.Variable;
  readonly value: tf.Tensor;
}

/**
 * Training mode normalises with the batch's statistics and records moving-statistic updates.
 * They are recorded rather than assigned in place so that no variable changes while a gradient
 * tape that read it is still open.
 */
export type BatchNormMode =
  | { readonly training: false }
  | { readonly training: true; readonly updates: MovingStatisticsUpdate[] };

export function createBatchNorm(store: VariableStore, channels: number): BatchNormLayer {
  return {
    scale: store.create('scale', tf.ones([channels]) as tf.Tensor1D, true),
    offset: store.create('offset', tf.zeros([channels]) as tf.Tensor1D, true),
    movingMean: store.create('moving_mean', tf.zeros([channels]) as tf.Tensor1D, false),
    movingVariance: store.create('moving_variance', tf.ones([channels]) as tf.Tensor1D, false),
  };
}

export function applyBatchNorm<T extends tf.Tensor>(layer: BatchNormLayer, x: T, mode: BatchNormMode): T {
  if (!mode.training) {
    return tf.batchNorm(x, layer.movingMean, layer.movingVariance, layer.offset, layer.scale, BATCH_NORM_EPSILON) as T;
  }

  const reducedAxes = x.shape.slice(0, -1).map((_, axis) => axis);
  const { mean, variance } = tf.moments(x, reducedAxes);
  const count = x.size / x.shape[x.rank - 1];
  if (count < 2) {
    throw new Error(
      `Batch norm in training mode needs at least 2 values per channel, got ${count} (input shape ${JSON.stringify(x.shape)}): use a batch of 2 or more images.`,
    );
  }

  // The moving variance estimates the population variance, so it takes the unbiased batch
  // variance as PyTorch does; normalisation itself uses the biased one.
  const unbiasedVariance = tf.mul(variance, count / (count - 1));
  mode.updates.push(
    { variable: layer.movingMean, value: tf.keep(blend(layer.movingMean, mean)) },
    { variable: layer.movingVariance, value: tf.keep(blend(layer.movingVariance, unbiasedVariance)) },
  );

  return tf.batchNorm(x, mean, variance, layer.offset, layer.scale, BATCH_NORM_EPSILON) as T;
}

function blend(moving: tf.Tensor, batch: tf.Tensor): tf.Tensor {
  return tf.add(tf.mul(moving, BATCH_NORM_MOMENTUM), tf.mul(batch, 1 - BATCH_NORM_MOMENTUM));
}

/** Assigns recorded moving statistics and disposes the recorded tensors. */
export function applyMovingStatisticsUpdates(updates: readonly MovingStatisticsUpdate[]): void {
  for (const { variable, value } of updates) {
    variable.assign(value);
    value.dispose();
  }
}
