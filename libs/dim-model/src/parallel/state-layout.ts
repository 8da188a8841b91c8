/**
 * Layout of the flat Float32Array that a replica fills after computing one slice's gradients:
 * the encoder optimizer's gradients, the prior optimizer's gradients and the batch-norm moving
 * statistics, each in the model's own variable order, then the five losses.
 */
import * as tf from '@tensorflow/tfjs-core';

import type { StepGradients } from '../training-step';
import type { DimModel } from '../model';

export const LOSS_COUNT = 5;

export interface LayoutEntry {
  readonly group: 'encoder' | 'prior' | 'movingStatistics';
  readonly name: string;
  readonly shape: readonly number[];
  readonly offset: number;
  readonly size: number;
}

export interface StepLayout {
  readonly entries: readonly LayoutEntry[];
  /** Offset of the five losses, see `StepLosses`. */
  readonly lossOffset: number;
  /** Float32 values in one replica's region. */
  readonly length: number;
}

/** Computes the layout of `model`; replicas of one config compute the same one. */
export function stepLayout(model: DimModel): StepLayout {
  const entries: LayoutEntry[] = [];
  let offset = 0;
  const add = (group: LayoutEntry['group'], variables: Iterable<[string, tf.Variable]>) => {
    for (const [name, variable] of variables) {
      entries.push({ group, name, shape: [...variable.shape], offset, size: variable.size });
      offset += variable.size;
    }
  };
  add('encoder', model.encoderOptimizer.parameters);
  add('prior', model.priorOptimizer.parameters);
  add('movingStatistics', [...model.variables].filter(([, variable]) => !variable.trainable));
  return { entries, lossOffset: offset, length: offset + LOSS_COUNT };
}

/** Describes a layout in one string, so that replicas can check they agree. */
export function layoutSignature(layout: StepLayout): string {
  return layout.entries.map((entry) => `${entry.group}:${entry.name}:${entry.shape.join('x')}`).join(';');
}

/** Writes a slice's gradients, the replica's moving statistics after the slice, and its losses into `region`. */
export function writeStepRegion(model: DimModel, layout: StepLayout, gradients: StepGradients, region: Float32Array): void {
  for (const entry of layout.entries) {
    let tensor: tf.Tensor | undefined;
    if (entry.group === 'encoder') tensor = gradients.encoder.get(entry.name);
    else if (entry.group === 'prior') tensor = gradients.prior.get(entry.name);
    else tensor = model.variables.get(entry.name);
    if (tensor === undefined) {
      throw new Error(`No ${entry.group} value for "${entry.name}": the replica's gradients do not match its model.`);
    }
    region.set(tensor.dataSync() as Float32Array, entry.offset);
  }
  region.set(gradients.losses.dataSync() as Float32Array, layout.lossOffset);
}

/**
 * Applies an averaged region: one Adam update on each optimizer, the averaged moving
 * statistics, and one more step on the model's step counter, as `trainStep` does.
 */
export function applyStepRegion(model: DimModel, layout: StepLayout, region: Float32Array): void {
  const encoder = new Map<string, tf.Tensor>();
  const prior = new Map<string, tf.Tensor>();
  try {
    for (const entry of layout.entries) {
      // slice() copies out of the shared buffer: the CPU backend may keep a reference to the
      // array it is given, and the trainer overwrites the shared buffer at the next step.
      const values = region.slice(entry.offset, entry.offset + entry.size);
      if (entry.group === 'movingStatistics') {
        const variable = model.variables.get(entry.name) as tf.Variable;
        tf.tidy(() => variable.assign(tf.tensor(values, variable.shape, 'float32')));
        continue;
      }
      (entry.group === 'encoder' ? encoder : prior).set(entry.name, tf.tensor(values, [...entry.shape], 'float32'));
    }
    model.encoderOptimizer.applyGradients(encoder);
    model.priorOptimizer.applyGradients(prior);
    model.stepCount += 1;
  } finally {
    for (const tensor of [...encoder.values(), ...prior.values()]) tensor.dispose();
  }
}
