/**
 * @dim/dim-model: Deep InfoMax (Hjelm et al., "Learning deep representations by mutual
 * information estimation and maximization", ICLR 2019, arXiv:1808.06670) in TensorFlow.js.
 *
 * Model
 * - `createDimModel(config?: Partial<DimConfig>): DimModel`, initialised from `config.seed`.
 * - `disposeModel(model): void` releases every tensor the model owns.
 * - `PRESETS`, `PresetName` ('reference' | 'paper'), `DEFAULT_CONFIG`.
 *
 * Training
 * - `trainStep(model, images: tf.Tensor4D, { microBatchSize? }): StepLosses` runs one step on
 *   float32 NHWC images in [-1, 1] and returns { total, local, global, prior, discriminator }.
 *
 * Inference
 * - `embed(model, images, batchSize = 256): tf.Tensor2D` returns the pre-sigmoid embedding y,
 *   the representation to store and compare for retrieval.
 *
 * Checkpoints
 * - `saveCheckpoint(model, dir, { epoch, step }): Promise<void>`
 * - `loadCheckpoint(dir): Promise<{ model, epoch, step }>`
 *
 * Cost
 * - `flopsPerImage(preset, { embeddingDim?, inputShape? }): FlopCounts`
 *
 * Backend
 * - `selectBackend(options)` picks and initialises the TF.js backend at run time.
 */
export * from './backend';
export { CHECKPOINT_FORMAT, CHECKPOINT_FORMAT_VERSION, deserializeModel, loadCheckpoint, saveCheckpoint, serializeModel } from './checkpoint';
export type { CheckpointManifest, CheckpointProgress, WeightEntry } from './checkpoint';
export { DEFAULT_CONFIG, resolveConfig, validateConfig, type DimConfig } from './config';
export { DEFAULT_EMBED_BATCH_SIZE, embed } from './embed';
export { inferEncoderShapes, type EncoderShapes } from './encoder';
export { FORWARD_BACKWARD_FACTOR, flopsPerImage, type FlopCounts, type FlopOptions } from './flops';
export { createDimModel, disposeModel, type DimModel } from './model';
export { derangeBatch, jsdMutualInformation } from './mutual-information';
export { Adam, type AdamOptions } from './optimizers';
export { isPresetName, PRESETS, type EncoderPreset, type PresetName } from './presets';
export { toPriorSpace } from './prior-matching';
export {
  computeStepGradients,
  disposeStepGradients,
  splitIntoMicroBatches,
  trainStep,
  type StepGradients,
  type StepLosses,
  type TrainStepOptions,
} from './training-step';
export * from './parallel';
