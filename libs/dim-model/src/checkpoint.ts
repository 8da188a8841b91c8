/**
 * Checkpoints of a Deep InfoMax model: a folder with
 * - model.json: format version, config, step counters, optimizer hyperparameters and iteration
 *   counts, and a manifest of every tensor (name, shape, dtype, byte range in weights.bin);
 * - weights.bin: the tensors' float32 values, little-endian, concatenated in manifest order.
 *
 * It stores all weights, batch-norm moving statistics and both optimizers' Adam moments, so a
 * resumed run computes the same numbers as one that never stopped (on the same backend).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';

import * as tf from '@tensorflow/tfjs-core';

import { validateConfig, type DimConfig } from './config';
import { createDimModel, disposeModel, type DimModel } from './model';
import type { Adam } from './optimizers';

export const CHECKPOINT_FORMAT = 'dim-model-checkpoint';
export const CHECKPOINT_FORMAT_VERSION = 1;
export const MANIFEST_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

/** Training progress stored next to the model, owned by the caller (e.g. a trainer CLI). */
export interface CheckpointProgress {
  readonly epoch: number;
  readonly step: number;
}

export interface WeightEntry {
  readonly name: string;
  readonly shape: number[];
  readonly dtype: 'float32';
  readonly byteOffset: number;
  readonly byteLength: number;
}

interface OptimizerManifest {
  readonly iterations: number;
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
}

export interface CheckpointManifest {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly formatVersion: number;
  readonly config: DimConfig;
  readonly progress: CheckpointProgress;
  /** `DimModel.stepCount`, which also seeds each step's prior samples. */
  readonly modelStepCount: number;
  readonly optimizers: { readonly encoder: OptimizerManifest; readonly prior: OptimizerManifest };
  readonly weights: WeightEntry[];
}

/** Collects every tensor of the model's state under its checkpoint name. */
function namedStateTensors(model: DimModel): Map<string, tf.Variable> {
  const tensors = new Map<string, tf.Variable>(model.variables);
  const optimizers: Array<[string, Adam]> = [
    ['encoder', model.encoderOptimizer],
    ['prior', model.priorOptimizer],
  ];
  for (const [optimizerName, optimizer] of optimizers) {
    for (const [parameter, moment] of optimizer.firstMoments) tensors.set(`optimizer/${optimizerName}/m/${parameter}`, moment);
    for (const [parameter, moment] of optimizer.secondMoments) tensors.set(`optimizer/${optimizerName}/v/${parameter}`, moment);
  }
  return tensors;
}

function describeOptimizer(optimizer: Adam): OptimizerManifest {
  const { iterations, learningRate, beta1, beta2, epsilon } = optimizer;
  return { iterations, learningRate, beta1, beta2, epsilon };
}

/** Serialises the model's state into a manifest and one buffer of float32 values. */
export async function serializeModel(
  model: DimModel,
  progress: CheckpointProgress,
): Promise<{ manifest: CheckpointManifest; weights: Uint8Array }> {
  const entries: WeightEntry[] = [];
  const chunks: Uint8Array[] = [];
  let byteOffset = 0;

  for (const [name, tensor] of namedStateTensors(model)) {
    if (tensor.dtype !== 'float32') {
      throw new Error(`Cannot checkpoint tensor "${name}" of dtype ${tensor.dtype}: only float32 is supported.`);
    }
    const values = (await tensor.data()) as Float32Array;
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    entries.push({ name, shape: [...tensor.shape], dtype: 'float32', byteOffset, byteLength: bytes.byteLength });
    chunks.push(bytes);
    byteOffset += bytes.byteLength;
  }

  const weights = new Uint8Array(byteOffset);
  let position = 0;
  for (const chunk of chunks) {
    weights.set(chunk, position);
    position += chunk.byteLength;
  }

  const manifest: CheckpointManifest = {
    format: CHECKPOINT_FORMAT,
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    config: model.config,
    progress: { epoch: progress.epoch, step: progress.step },
    modelStepCount: model.stepCount,
    optimizers: { encoder: describeOptimizer(model.encoderOptimizer), prior: describeOptimizer(model.priorOptimizer) },
    weights: entries,
  };
  return { manifest, weights };
}

/** Rebuilds a model from `serializeModel`'s output, raising if any tensor is missing or misshapen. */
export function deserializeModel(manifest: CheckpointManifest, weights: Uint8Array): DimModel {
  validateManifest(manifest, weights.byteLength);
  const model = createDimModel(manifest.config);
  try {
    restoreState(model, manifest, weights);
    return model;
  } catch (error) {
    disposeModel(model);
    throw error;
  }
}

function restoreState(model: DimModel, manifest: CheckpointManifest, weights: Uint8Array): void {
  const stored = new Map(manifest.weights.map((entry) => [entry.name, entry]));
  const tensors = namedStateTensors(model);

  for (const name of stored.keys()) {
    if (!tensors.has(name)) {
      throw new Error(`Checkpoint tensor "${name}" does not exist in a "${manifest.config.preset}" model: the checkpoint does not match its config.`);
    }
  }
  for (const [name, variable] of tensors) {
    const entry = stored.get(name);
    if (entry === undefined) {
      throw new Error(`Checkpoint is missing tensor "${name}": it was written by an incompatible version or is incomplete.`);
    }
    if (entry.shape.length !== variable.shape.length || entry.shape.some((size, axis) => size !== variable.shape[axis])) {
      throw new Error(
        `Checkpoint tensor "${name}" has shape ${JSON.stringify(entry.shape)}, expected ${JSON.stringify(variable.shape)}.`,
      );
    }
    // Copy into an aligned buffer: entries in a file read from disk need not be 4-byte aligned.
    const values = new Float32Array(weights.slice(entry.byteOffset, entry.byteOffset + entry.byteLength).buffer);
    tf.tidy(() => variable.assign(tf.tensor(values, variable.shape, 'float32')));
  }

  restoreOptimizer(model.encoderOptimizer, manifest.optimizers.encoder, 'encoder');
  restoreOptimizer(model.priorOptimizer, manifest.optimizers.prior, 'prior');
  model.stepCount = manifest.modelStepCount;
}

function restoreOptimizer(optimizer: Adam, stored: OptimizerManifest, name: string): void {
  for (const key of ['learningRate', 'beta1', 'beta2', 'epsilon'] as const) {
    if (optimizer[key] !== stored[key]) {
      throw new Error(
        `Checkpoint ${name} optimizer has ${key} ${stored[key]}, but this version builds Adam with ${optimizer[key]}: resuming would change the training run.`,
      );
    }
  }
  optimizer.iterations = stored.iterations;
}

function validateManifest(manifest: CheckpointManifest, weightsByteLength: number): void {
  if (manifest.format !== CHECKPOINT_FORMAT) {
    throw new Error(`Invalid checkpoint format ${JSON.stringify(manifest.format)}: expected "${CHECKPOINT_FORMAT}".`);
  }
  if (manifest.formatVersion !== CHECKPOINT_FORMAT_VERSION) {
    throw new Error(
      `Unsupported checkpoint format version ${manifest.formatVersion}: this library reads version ${CHECKPOINT_FORMAT_VERSION}.`,
    );
  }
  validateConfig(manifest.config);
  for (const entry of manifest.weights) {
    const elements = entry.shape.reduce((product, size) => product * size, 1);
    if (entry.dtype !== 'float32' || entry.byteLength !== elements * 4 || entry.byteOffset + entry.byteLength > weightsByteLength) {
      throw new Error(
        `Invalid checkpoint entry "${entry.name}" (${entry.dtype}, shape ${JSON.stringify(entry.shape)}, bytes ${entry.byteOffset}+${entry.byteLength}) for a ${weightsByteLength}-byte ${WEIGHTS_FILE}.`,
      );
    }
  }
}

/**
 * Writes a checkpoint folder at `dir`, replacing any previous one there.
 *
 * The files are written and fsynced in a sibling temporary folder, which then replaces `dir`
 * by rename, so a crash mid-save leaves the previous checkpoint intact. Because a non-empty
 * folder cannot be renamed over another, the old one is first moved to `${dir}.previous`. A
 * crash between those two renames leaves only `${dir}.previous`, which `loadCheckpoint` reads.
 */
export async function saveCheckpoint(model: DimModel, dir: string, progress: CheckpointProgress): Promise<void> {
  const { manifest, weights } = await serializeModel(model, progress);
  const target = path.resolve(dir);
  const previous = `${target}.previous`;
  const temporary = `${target}.partial-${randomBytes(6).toString('hex')}`;

  await mkdir(temporary, { recursive: true });
  try {
    await writeFileDurably(path.join(temporary, WEIGHTS_FILE), weights);
    await writeFileDurably(path.join(temporary, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);

    await rm(previous, { recursive: true, force: true });
    if (await exists(target)) await rename(target, previous);
    await rename(temporary, target);
    await rm(previous, { recursive: true, force: true });
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw error;
  }
}

async function writeFileDurably(file: string, data: Uint8Array | string): Promise<void> {
  const handle = await open(file, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Loads a checkpoint folder written by `saveCheckpoint` into a new model. */
export async function loadCheckpoint(dir: string): Promise<{ model: DimModel } & CheckpointProgress> {
  let folder = path.resolve(dir);
  if (!(await exists(folder)) && (await exists(`${folder}.previous`))) folder = `${folder}.previous`;

  let manifestText: string;
  try {
    manifestText = await readFile(path.join(folder, MANIFEST_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`Checkpoint not found: ${path.join(folder, MANIFEST_FILE)} does not exist. Pass a folder written by saveCheckpoint.`);
    }
    throw error;
  }
  const manifest = JSON.parse(manifestText) as CheckpointManifest;
  const weights = new Uint8Array(await readFile(path.join(folder, WEIGHTS_FILE)));

  const model = deserializeModel(manifest, weights);
  return { model, epoch: manifest.progress.epoch, step: manifest.progress.step };
}
