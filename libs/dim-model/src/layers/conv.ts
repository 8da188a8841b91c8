import * as tf from '@tensorflow/tfjs-core';

import { conv2d } from '../ops/conv2d';
import { glorotUniform, type VariableStore } from './variable-store';

export interface Conv2DOptions {
  readonly inChannels: number;
  readonly filters: number;
  readonly kernelSize: number;
  readonly strides: number;
  readonly padding: 'valid' | 'same';
  /** False where batch norm follows, because its offset makes a bias redundant. */
  readonly useBias: boolean;
}

/** Weights of a 2-D convolution with an HWIO kernel, applied to NHWC tensors. */
export interface Conv2DWeights {
  readonly kernel: tf.Tensor4D;
  readonly bias: tf.Tensor1D | null;
  readonly strides: number;
  readonly padding: 'valid' | 'same';
}

export interface Conv2DLayer extends Conv2DWeights {
  readonly kernel: tf.Variable<tf.Rank.R4>;
  readonly bias: tf.Variable<tf.Rank.R1> | null;
}

export function createConv2D(store: VariableStore, options: Conv2DOptions): Conv2DLayer {
  const { inChannels, filters, kernelSize } = options;
  const receptiveField = kernelSize * kernelSize;
  const kernel = store.create(
    'kernel',
    glorotUniform(
      [kernelSize, kernelSize, inChannels, filters],
      receptiveField * inChannels,
      receptiveField * filters,
      store.seedFor('kernel'),
    ) as tf.Tensor4D,
    true,
  );
  const bias = options.useBias ? store.create('bias', tf.zeros([filters]) as tf.Tensor1D, true) : null;
  return { kernel, bias, strides: options.strides, padding: options.padding };
}

export function applyConv2D(layer: Conv2DWeights, x: tf.Tensor4D): tf.Tensor4D {
  const output = conv2d(x, layer.kernel, layer.strides, layer.padding);
  return layer.bias ? tf.add(output, layer.bias) : output;
}
