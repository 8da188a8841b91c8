/**
 * A Deep InfoMax model (Hjelm et al., ICLR 2019, arXiv:1808.06670): encoder, the local, global
 * and prior discriminators, and the two Adam optimizers that train them.
 */
import type * as tf from '@tensorflow/tfjs-core';

import { resolveConfig, type DimConfig } from './config';
import { createGlobalDiscriminator, type GlobalDiscriminator } from './discriminators/global';
import { createLocalDiscriminator, type LocalDiscriminator } from './discriminators/local';
import { createPriorDiscriminator, type PriorDiscriminator } from './discriminators/prior';
import { createEncoder, inferEncoderShapes, type Encoder } from './encoder';
import { VariableStore } from './layers/variable-store';
import { Adam } from './optimizers';

/** Top-level scopes of variable paths, e.g. "encoder/conv2/batch_norm/moving_mean". */
export const SCOPES = {
  encoder: 'encoder',
  localDiscriminator: 'local_discriminator',
  globalDiscriminator: 'global_discriminator',
  priorDiscriminator: 'prior_discriminator',
} as const;

export interface DimModel {
  readonly config: DimConfig;
  readonly encoder: Encoder;
  readonly localDiscriminator: LocalDiscriminator;
  readonly globalDiscriminator: GlobalDiscriminator;
  readonly priorDiscriminator: PriorDiscriminator;
  /** Every variable, trainable or not (batch-norm moving statistics), keyed by path. */
  readonly variables: ReadonlyMap<string, tf.Variable>;
  /** Adam over the trainable variables of the encoder and the local and global discriminators. */
  readonly encoderOptimizer: Adam;
  /** Adam over the trainable variables of the prior discriminator. */
  readonly priorOptimizer: Adam;
  /** Training steps applied so far. It also selects each step's prior samples. */
  stepCount: number;
}

/** Creates a model with weights initialised deterministically from `config.seed`. */
export function createDimModel(overrides: Partial<DimConfig> = {}): DimModel {
  const config = resolveConfig(overrides);
  const store = new VariableStore(config.seed);
  const { localFeatureShape } = inferEncoderShapes(config.preset, config.inputShape, config.embeddingDim);

  const encoder = createEncoder(store.scope(SCOPES.encoder), config);
  const localDiscriminator = createLocalDiscriminator(
    store.scope(SCOPES.localDiscriminator),
    localFeatureShape[2],
    config.embeddingDim,
  );
  const globalDiscriminator = createGlobalDiscriminator(
    store.scope(SCOPES.globalDiscriminator),
    localFeatureShape,
    config.embeddingDim,
  );
  const priorDiscriminator = createPriorDiscriminator(store.scope(SCOPES.priorDiscriminator), config.embeddingDim);

  const trainable = (scopes: readonly string[]) =>
    new Map(
      [...store.variables].filter(
        ([path, variable]) => variable.trainable && scopes.some((scope) => path.startsWith(`${scope}/`)),
      ),
    );
  const encoderOptimizer = new Adam(
    trainable([SCOPES.encoder, SCOPES.localDiscriminator, SCOPES.globalDiscriminator]),
    { learningRate: config.learningRate },
  );
  const priorOptimizer = new Adam(trainable([SCOPES.priorDiscriminator]), { learningRate: config.learningRate });

  return {
    config,
    encoder,
    localDiscriminator,
    globalDiscriminator,
    priorDiscriminator,
    variables: store.variables,
    encoderOptimizer,
    priorOptimizer,
    stepCount: 0,
  };
}

/** Releases every tensor the model owns: weights, moving statistics and optimizer state. */
export function disposeModel(model: DimModel): void {
  for (const variable of model.variables.values()) variable.dispose();
  model.encoderOptimizer.dispose();
  model.priorOptimizer.dispose();
}
