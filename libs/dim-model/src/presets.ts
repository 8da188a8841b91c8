/**
 * Encoder architectures for Deep InfoMax (Hjelm et al., "Learning deep representations by
 * mutual information estimation and maximization", ICLR 2019, arXiv:1808.06670).
 *
 * A preset lists the encoder's hidden layers. The final linear layer to the embedding is
 * added by the encoder because its width is a configuration value (`embeddingDim`).
 */

export type PresetName = 'reference' | 'paper';

export interface ConvLayerSpec {
  readonly kind: 'conv';
  readonly filters: number;
  readonly kernelSize: number;
  readonly strides: number;
  readonly padding: 'valid' | 'same';
  readonly batchNorm: boolean;
}

export interface FlattenLayerSpec {
  readonly kind: 'flatten';
}

export interface DenseLayerSpec {
  readonly kind: 'dense';
  readonly units: number;
  readonly batchNorm: boolean;
}

export type EncoderLayerSpec = ConvLayerSpec | FlattenLayerSpec | DenseLayerSpec;

export interface EncoderPreset {
  readonly description: string;
  /** Hidden layers in order. Every conv and dense layer here is followed by ReLU. */
  readonly layers: readonly EncoderLayerSpec[];
  /** Index into `layers` of the conv layer whose activated output is the local feature map M. */
  readonly localFeatureLayer: number;
}

const conv = (
  filters: number,
  strides: number,
  padding: 'valid' | 'same',
  batchNorm: boolean,
): ConvLayerSpec => ({ kind: 'conv', filters, kernelSize: 4, strides, padding, batchNorm });

export const PRESETS: Readonly<Record<PresetName, EncoderPreset>> = {
  // The encoder of the DIM PyTorch tutorial (github.com/DuaneNielsen/DeepInfomaxPytorch):
  // four 4x4 valid convolutions at stride 1, so a 32x32 input gives M of 26x26x128 and a
  // 20x20x512 map before the embedding layer. About 2.4 GFLOP per image forward.
  reference: {
    description: 'DIM PyTorch tutorial encoder: 4x4 stride-1 convs 64-128-256-512, M = 26x26x128',
    layers: [conv(64, 1, 'valid', false), conv(128, 1, 'valid', true), conv(256, 1, 'valid', true), conv(512, 1, 'valid', true), { kind: 'flatten' }],
    localFeatureLayer: 1,
  },
  // The CIFAR-10 encoder of the DIM paper: 4x4 stride-2 convs 64-128-256 with
  // batch norm, then a 1024-unit hidden layer. 'same' padding halves 32 -> 16 -> 8 -> 4, so
  // M is 8x8x128. About 1/50 of the reference preset's FLOPs.
  paper: {
    description: 'DIM paper CIFAR-10 encoder: 4x4 stride-2 convs 64-128-256, dense 1024, M = 8x8x128',
    layers: [
      conv(64, 2, 'same', true),
      conv(128, 2, 'same', true),
      conv(256, 2, 'same', true),
      { kind: 'flatten' },
      { kind: 'dense', units: 1024, batchNorm: true },
    ],
    localFeatureLayer: 1,
  },
};

export function isPresetName(value: unknown): value is PresetName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(PRESETS, value);
}
