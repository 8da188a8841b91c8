/**
 * Floating-point operation counts per image for Deep InfoMax models (Hjelm et al., ICLR 2019,
 * arXiv:1808.06670), for reporting benchmark throughput as a share of a device's measured
 * GFLOP/s.
 *
 * Convention: one multiply-add is 2 FLOP. Only convolutions and matrix products are counted.
 * Biases, batch norm, activations and losses add well under 1% and are left out. 'same'
 * convolutions count the full kernel at the border as well.
 */
import { DEFAULT_CONFIG } from './config';
import {
  GLOBAL_DISCRIMINATOR_CONV_FILTERS,
  GLOBAL_DISCRIMINATOR_UNITS,
  globalDiscriminatorFlatFeatures,
} from './discriminators/global';
import { LOCAL_DISCRIMINATOR_UNITS } from './discriminators/local';
import { PRIOR_DISCRIMINATOR_UNITS } from './discriminators/prior';
import { inferEncoderShapes } from './encoder';
import type { PresetName } from './presets';

/**
 * A backward pass costs about twice its forward pass (gradients with respect to the inputs and
 * to the weights), so forward + backward is about 3x forward.
 */
export const FORWARD_BACKWARD_FACTOR = 3;

export interface FlopCounts {
  /** Encoder forward pass, the cost of `embed` per image. */
  readonly encoderForward: number;
  /** Encoder forward + backward, estimated as 3x forward. */
  readonly encoderForwardBackward: number;
  /** Forward passes of the local, global and prior discriminators in one training step. */
  readonly discriminatorsForward: number;
  /** Whole training step (encoder and all discriminators, forward + backward), estimated as 3x forward. */
  readonly trainingStep: number;
}

export interface FlopOptions {
  readonly embeddingDim?: number;
  readonly inputShape?: readonly [number, number, number];
}

export function flopsPerImage(preset: PresetName, options: FlopOptions = {}): FlopCounts {
  const embeddingDim = options.embeddingDim ?? DEFAULT_CONFIG.embeddingDim;
  const inputShape = options.inputShape ?? DEFAULT_CONFIG.inputShape;
  const shapes = inferEncoderShapes(preset, inputShape, embeddingDim);

  let encoderForward = matMulFlops(shapes.embeddingInputs, embeddingDim);
  for (const { spec, inputShape: layerInput, outputShape } of shapes.layers) {
    if (spec.kind === 'conv') {
      const [outHeight, outWidth, filters] = outputShape as readonly [number, number, number];
      const inChannels = (layerInput as readonly [number, number, number])[2];
      encoderForward += outHeight * outWidth * filters * spec.kernelSize * spec.kernelSize * inChannels * 2;
    } else if (spec.kind === 'dense') {
      encoderForward += matMulFlops(layerInput[0], spec.units);
    }
  }

  const discriminatorsForward =
    localDiscriminatorFlops(shapes.localFeatureShape, embeddingDim) +
    globalDiscriminatorFlops(shapes.localFeatureShape, embeddingDim) +
    // The prior discriminator scores the embeddings for the encoder loss, and prior samples and
    // embeddings again for its own loss.
    3 * priorDiscriminatorFlops(embeddingDim);

  return {
    encoderForward,
    encoderForwardBackward: FORWARD_BACKWARD_FACTOR * encoderForward,
    discriminatorsForward,
    trainingStep: FORWARD_BACKWARD_FACTOR * (encoderForward + discriminatorsForward),
  };
}

function matMulFlops(inputs: number, units: number): number {
  return inputs * units * 2;
}

/**
 * The first layer runs once per image, split into its feature and embedding halves. The other
 * layers run on both the joint and the marginal pairs, see scoreLocalPairs.
 */
function localDiscriminatorFlops(featureShape: readonly [number, number, number], embeddingDim: number): number {
  const [height, width, channels] = featureShape;
  const positions = height * width;
  const units = LOCAL_DISCRIMINATOR_UNITS;
  return (
    positions * matMulFlops(channels, units) +
    matMulFlops(embeddingDim, units) +
    2 * positions * (matMulFlops(units, units) + matMulFlops(units, 1))
  );
}

function globalDiscriminatorFlops(featureShape: readonly [number, number, number], embeddingDim: number): number {
  const [height, width, channels] = featureShape;
  const [filters1, filters2] = GLOBAL_DISCRIMINATOR_CONV_FILTERS;
  const units = GLOBAL_DISCRIMINATOR_UNITS;
  const conv1 = (height - 2) * (width - 2) * matMulFlops(9 * channels, filters1);
  const conv2 = (height - 4) * (width - 4) * matMulFlops(9 * filters1, filters2);
  const flatFeatures = globalDiscriminatorFlatFeatures(featureShape);
  const dense1 = matMulFlops(flatFeatures, units) + matMulFlops(embeddingDim, units);
  return conv1 + conv2 + dense1 + 2 * (matMulFlops(units, units) + matMulFlops(units, 1));
}

function priorDiscriminatorFlops(embeddingDim: number): number {
  const [units1, units2] = PRIOR_DISCRIMINATOR_UNITS;
  return matMulFlops(embeddingDim, units1) + matMulFlops(units1, units2) + matMulFlops(units2, 1);
}
