/**
 * Convolutional encoder of Deep InfoMax (Hjelm et al., ICLR 2019, arXiv:1808.06670). It maps an
 * image to a local feature map M (one feature vector per receptive field) and to the global
 * embedding y, which is the representation stored for retrieval.
 */
import * as tf from '@tensorflow/tfjs-core';

import type { DimConfig } from './config';
import { applyBatchNorm, createBatchNorm, type BatchNormLayer, type BatchNormMode } from './layers/batch-norm';
import { applyConv2D, createConv2D, type Conv2DLayer } from './layers/conv';
import { applyDense, createDense, type DenseLayer } from './layers/dense';
import type { VariableStore } from './layers/variable-store';
import { PRESETS, type ConvLayerSpec, type DenseLayerSpec, type EncoderLayerSpec, type PresetName } from './presets';

/** Shape of one image's activation after a layer, without the batch axis. */
export type ActivationShape = readonly [number, number, number] | readonly [number];

export interface EncoderLayerShape {
  readonly spec: EncoderLayerSpec;
  readonly inputShape: ActivationShape;
  readonly outputShape: ActivationShape;
}

export interface EncoderShapes {
  readonly layers: readonly EncoderLayerShape[];
  /** [height, width, channels] of the local feature map M. */
  readonly localFeatureShape: readonly [number, number, number];
  readonly embeddingInputs: number;
  readonly embeddingDim: number;
}

type EncoderLayer =
  | { readonly kind: 'conv'; readonly conv: Conv2DLayer; readonly batchNorm: BatchNormLayer | null }
  | { readonly kind: 'flatten' }
  | { readonly kind: 'dense'; readonly dense: DenseLayer; readonly batchNorm: BatchNormLayer | null };

export interface Encoder {
  readonly preset: PresetName;
  readonly layers: readonly EncoderLayer[];
  readonly localFeatureLayer: number;
  /** Final linear layer to the embedding y. */
  readonly embedding: DenseLayer;
}

export interface EncoderOutput {
  /** Local feature map, [batch, height, width, channels]. */
  readonly localFeatures: tf.Tensor4D;
  /** Embedding y, [batch, embeddingDim], the linear output of the last layer. */
  readonly embedding: tf.Tensor2D;
}

/** Computes every layer's activation shape, raising if the input is too small for the preset. */
export function inferEncoderShapes(
  preset: PresetName,
  inputShape: readonly [number, number, number],
  embeddingDim: number,
): EncoderShapes {
  const { layers: specs, localFeatureLayer } = PRESETS[preset];
  let shape: ActivationShape = inputShape;
  const layers: EncoderLayerShape[] = [];

  for (const spec of specs) {
    const inputShapeOfLayer = shape;
    shape = outputShapeOf(spec, shape, preset);
    layers.push({ spec, inputShape: inputShapeOfLayer, outputShape: shape });
  }

  const localFeatureShape = layers[localFeatureLayer].outputShape;
  if (localFeatureShape.length !== 3) {
    throw new Error(`Preset "${preset}" has a local feature layer ${localFeatureLayer} that is not a conv layer.`);
  }
  if (shape.length !== 1) {
    throw new Error(`Preset "${preset}" must end with a flatten or dense layer before the embedding.`);
  }
  return { layers, localFeatureShape, embeddingInputs: shape[0], embeddingDim };
}

function outputShapeOf(spec: EncoderLayerSpec, shape: ActivationShape, preset: PresetName): ActivationShape {
  switch (spec.kind) {
    case 'conv':
      return convOutputShape(spec, shape, preset);
    case 'flatten':
      return [shape.reduce((product, size) => product * size, 1)];
    case 'dense':
      if (shape.length !== 1) {
        throw new Error(`Preset "${preset}" has a dense layer on a spatial input: add a flatten layer before it.`);
      }
      return [spec.units];
  }
}

function convOutputShape(spec: ConvLayerSpec, shape: ActivationShape, preset: PresetName): ActivationShape {
  if (shape.length !== 3) {
    throw new Error(`Preset "${preset}" has a conv layer after flatten or dense.`);
  }
  const [height, width] = shape;
  const outputSize = (size: number): number =>
    spec.padding === 'same'
      ? Math.ceil(size / spec.strides)
      : Math.floor((size - spec.kernelSize) / spec.strides) + 1;
  const outHeight = outputSize(height);
  const outWidth = outputSize(width);
  if (outHeight < 1 || outWidth < 1) {
    throw new Error(
      `Input ${height}x${width} is too small for preset "${preset}" (a ${spec.kernelSize}x${spec.kernelSize} '${spec.padding}' conv leaves ${outHeight}x${outWidth}): use a larger inputShape.`,
    );
  }
  return [outHeight, outWidth, spec.filters];
}

export function createEncoder(store: VariableStore, config: DimConfig): Encoder {
  const shapes = inferEncoderShapes(config.preset, config.inputShape, config.embeddingDim);
  const layers = shapes.layers.map(({ spec, inputShape }, index): EncoderLayer => {
    const scope = store.scope(`${spec.kind}${index + 1}`);
    switch (spec.kind) {
      case 'conv':
        return createConvBlock(scope, spec, inputShape[inputShape.length - 1]);
      case 'flatten':
        return { kind: 'flatten' };
      case 'dense':
        return createDenseBlock(scope, spec, inputShape[0]);
    }
  });
  return {
    preset: config.preset,
    layers,
    localFeatureLayer: PRESETS[config.preset].localFeatureLayer,
    embedding: createDense(store.scope('embedding'), shapes.embeddingInputs, config.embeddingDim, true),
  };
}

function createConvBlock(store: VariableStore, spec: ConvLayerSpec, inChannels: number): EncoderLayer {
  return {
    kind: 'conv',
    conv: createConv2D(store, { ...spec, inChannels, useBias: !spec.batchNorm }),
    batchNorm: spec.batchNorm ? createBatchNorm(store.scope('batch_norm'), spec.filters) : null,
  };
}

function createDenseBlock(store: VariableStore, spec: DenseLayerSpec, inputs: number): EncoderLayer {
  return {
    kind: 'dense',
    dense: createDense(store, inputs, spec.units, !spec.batchNorm),
    batchNorm: spec.batchNorm ? createBatchNorm(store.scope('batch_norm'), spec.units) : null,
  };
}

/** Runs the encoder. Every hidden layer is followed by batch norm (where the preset has it) and ReLU. */
export function applyEncoder(encoder: Encoder, images: tf.Tensor4D, mode: BatchNormMode): EncoderOutput {
  let activation: tf.Tensor = images;
  let localFeatures: tf.Tensor4D | null = null;

  encoder.layers.forEach((layer, index) => {
    activation = applyLayer(layer, activation, mode);
    if (index === encoder.localFeatureLayer) localFeatures = activation as tf.Tensor4D;
  });

  if (localFeatures === null) {
    throw new Error(`Encoder has no layer ${encoder.localFeatureLayer} to take the local feature map from.`);
  }
  return { localFeatures, embedding: applyDense(encoder.embedding, activation as tf.Tensor2D) };
}

function applyLayer(layer: EncoderLayer, x: tf.Tensor, mode: BatchNormMode): tf.Tensor {
  switch (layer.kind) {
    case 'flatten':
      return tf.reshape(x, [x.shape[0], -1]);
    case 'conv': {
      const convolved = applyConv2D(layer.conv, x as tf.Tensor4D);
      return tf.relu(layer.batchNorm ? applyBatchNorm(layer.batchNorm, convolved, mode) : convolved);
    }
    case 'dense': {
      const projected = applyDense(layer.dense, x as tf.Tensor2D);
      return tf.relu(layer.batchNorm ? applyBatchNorm(layer.batchNorm, projected, mode) : projected);
    }
  }
}

/** Raises unless `images` is a float32 batch of shape [batch, ...inputShape]. */
export function validateImageBatch(images: tf.Tensor, inputShape: readonly [number, number, number]): void {
  const [, ...imageShape] = images.shape;
  if (images.rank !== 4 || imageShape.some((size, axis) => size !== inputShape[axis])) {
    throw new Error(
      `Invalid image batch shape ${JSON.stringify(images.shape)}: expected [batch, ${inputShape.join(', ')}] (NHWC).`,
    );
  }
  if (images.dtype !== 'float32') {
    throw new Error(`Invalid image dtype ${images.dtype}: expected float32 scaled to [-1, 1] (x / 127.5 - 1).`);
  }
}
