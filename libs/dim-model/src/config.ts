/**
 * Training configuration of a Deep InfoMax model (Hjelm et al., ICLR 2019, arXiv:1808.06670).
 * Defaults follow the DIM PyTorch tutorial: alpha 0.5, beta 1.0, gamma 0.1, Adam at 1e-4.
 */
import { isPresetName, PRESETS, type PresetName } from './presets';

export interface DimConfig {
  /** Encoder architecture, see `PRESETS`. */
  readonly preset: PresetName;
  /** Width of the embedding y. */
  readonly embeddingDim: number;
  /** Weight of the global mutual-information loss. */
  readonly alpha: number;
  /** Weight of the local mutual-information loss. */
  readonly beta: number;
  /** Weight of the encoder's prior-matching (generator) loss. */
  readonly gamma: number;
  /** Adam learning rate of both optimizers. */
  readonly learningRate: number;
  /** Input images as [height, width, channels], float32 NHWC in [-1, 1]. */
  readonly inputShape: readonly [number, number, number];
  /**
   * Seed of the weight initialisation and of the prior samples drawn in each step. The same
   * seed gives the same initial weights and the same training run on the same backend.
   */
  readonly seed: number;
}

export const DEFAULT_CONFIG: Omit<DimConfig, 'seed'> = {
  preset: 'paper',
  embeddingDim: 64,
  alpha: 0.5,
  beta: 1.0,
  gamma: 0.1,
  learningRate: 1e-4,
  inputShape: [32, 32, 3],
};

/**
 * Fills unset fields with `DEFAULT_CONFIG` and validates the result. Without a seed, a random
 * one is drawn and stored in the returned config, so checkpoints still record it.
 */
export function resolveConfig(overrides: Partial<DimConfig> = {}): DimConfig {
  // Fields passed as undefined (e.g. an unset CLI flag) take their default too.
  const setFields = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
  const config: DimConfig = {
    ...DEFAULT_CONFIG,
    seed: Math.floor(Math.random() * 2 ** 31),
    ...setFields,
  };
  validateConfig(config);
  return config;
}

export function validateConfig(config: DimConfig): void {
  if (!isPresetName(config.preset)) {
    throw new Error(
      `Invalid preset ${JSON.stringify(config.preset)}: expected one of ${Object.keys(PRESETS).join(', ')}.`,
    );
  }
  requirePositiveInteger('embeddingDim', config.embeddingDim);
  for (const name of ['alpha', 'beta', 'gamma'] as const) {
    if (!Number.isFinite(config[name]) || config[name] < 0) {
      throw new Error(`Invalid ${name} ${config[name]}: loss weights must be finite and >= 0.`);
    }
  }
  if (!Number.isFinite(config.learningRate) || config.learningRate <= 0) {
    throw new Error(`Invalid learningRate ${config.learningRate}: it must be a finite number > 0.`);
  }
  if (!Array.isArray(config.inputShape) || config.inputShape.length !== 3) {
    throw new Error(
      `Invalid inputShape ${JSON.stringify(config.inputShape)}: expected [height, width, channels].`,
    );
  }
  config.inputShape.forEach((size, axis) => requirePositiveInteger(`inputShape[${axis}]`, size));
  if (!Number.isSafeInteger(config.seed)) {
    throw new Error(`Invalid seed ${config.seed}: it must be an integer.`);
  }
}

function requirePositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`Invalid ${name} ${value}: it must be a positive integer.`);
  }
}
