import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import * as tf from '@tensorflow/tfjs-core';

import { selectBackend } from '../backend';
import { loadCheckpoint, saveCheckpoint, serializeModel } from '../checkpoint';
import type { DimConfig } from '../config';
import { createDimModel, disposeModel } from '../model';
import { trainStep } from '../training-step';
import { createParallelTrainer, type ParallelTrainer } from './parallel-trainer';
import { splitBatchAcrossWorkers } from './slices';

// A 24x24 input keeps the paper preset's steps short (16x16 is too small for its global discriminator).
const CONFIG: Partial<DimConfig> = { preset: 'paper', inputShape: [24, 24, 3], embeddingDim: 16, seed: 11 };
const IMAGE_SIZE = 24 * 24 * 3;

function images(count: number, seed: number): Float32Array {
  return tf.tidy(() => tf.randomUniform([count * IMAGE_SIZE], -1, 1, 'float32', seed).dataSync() as Float32Array);
}

function expectIdenticalReplicas(states: Array<{ weights: Uint8Array }>): void {
  for (const [index, state] of states.entries()) {
    expect({ replica: index, equal: Buffer.from(state.weights).equals(Buffer.from(states[0].weights)) }).toEqual({ replica: index, equal: true });
  }
}

let workDir: string;
let trainer: ParallelTrainer | undefined;

beforeAll(async () => {
  await selectBackend({ backend: 'wasm', log: () => undefined });
});

beforeEach(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'dim-parallel-'));
});

afterEach(async () => {
  await trainer?.dispose();
  trainer = undefined;
  await rm(workDir, { recursive: true, force: true });
});

describe('splitBatchAcrossWorkers', () => {
  it.each([
    [64, 2, [32, 32]],
    [7, 2, [4, 3]],
    [10, 4, [3, 3, 2, 2]],
    [5, 4, [3, 2]],
    [2, 3, [2]],
  ])('splits %i images across %i workers', (batchSize, workers, expected) => {
    expect(splitBatchAcrossWorkers(batchSize, workers)).toEqual(expected);
  });

  it('rejects a batch of one image', () => {
    expect(() => splitBatchAcrossWorkers(1, 2)).toThrow('Cannot split a batch of 1 images across 2 workers');
  });

  it('rejects zero workers', () => {
    expect(() => splitBatchAcrossWorkers(8, 0)).toThrow('Invalid worker count 0');
  });
});

describe('createParallelTrainer', () => {
  it('keeps replicas bit-identical over steps', async () => {
    trainer = await createParallelTrainer({ backend: 'wasm', workers: 2, config: CONFIG });
    for (let step = 0; step < 3; step++) await trainer.step(images(8, step), 8);
    // A batch too small for both workers trains on one; the other still applies the update.
    await trainer.step(images(3, 9), 3);

    const states = await trainer.replicaStates();
    expect(states).toHaveLength(2);
    expect(states[0].manifest.modelStepCount).toBe(4);
    expectIdenticalReplicas(states);
  });

  it('matches single-process micro-batch losses', async () => {
    const batches = [images(8, 21), images(8, 22), images(8, 23)];
    trainer = await createParallelTrainer({ backend: 'wasm', workers: 2, config: CONFIG });
    const parallel = [];
    for (const batch of batches) parallel.push(await trainer.step(batch, 8));

    // One process with micro-batches of the slice size draws the same M' pairs and prior
    // samples; only the moving statistics and the summation order differ.
    const model = createDimModel(CONFIG);
    const single = [];
    for (const batch of batches) {
      const tensor = tf.tensor4d(batch, [8, 24, 24, 3]);
      single.push(trainStep(model, tensor, { microBatchSize: 4 }));
      tensor.dispose();
    }
    disposeModel(model);

    for (const name of ['total', 'local', 'global', 'prior', 'discriminator'] as const) {
      expect(parallel[0][name]).toBeCloseTo(single[0][name], 5);
      for (let step = 1; step < batches.length; step++) expect(parallel[step][name]).toBeCloseTo(single[step][name], 2);
    }
  });

  it('writes checkpoints that resume single-process', async () => {
    trainer = await createParallelTrainer({ backend: 'wasm', workers: 2, config: CONFIG });
    await trainer.step(images(8, 31), 8);
    const dir = path.join(workDir, 'parallel');
    await trainer.save(dir, { epoch: 1, step: 1 });

    const loaded = await loadCheckpoint(dir);
    expect(loaded.epoch).toBe(1);
    expect(loaded.model.stepCount).toBe(1);
    const [replica] = await trainer.replicaStates();
    const restored = await serializeModel(loaded.model, { epoch: 0, step: 0 });
    expect(Buffer.from(restored.weights).equals(Buffer.from(replica.weights))).toBe(true);
    disposeModel(loaded.model);
  });

  it('loads single-process checkpoints into every replica', async () => {
    const model = createDimModel(CONFIG);
    const tensor = tf.tensor4d(images(4, 41), [4, 24, 24, 3]);
    trainStep(model, tensor);
    tensor.dispose();
    const dir = path.join(workDir, 'single');
    await saveCheckpoint(model, dir, { epoch: 2, step: 5 });

    trainer = await createParallelTrainer({ backend: 'wasm', workers: 2, config: CONFIG });
    expect(await trainer.load(dir)).toEqual({ epoch: 2, step: 5 });
    const expected = await serializeModel(model, { epoch: 0, step: 0 });
    const states = await trainer.replicaStates();
    expectIdenticalReplicas(states);
    expect(Buffer.from(states[0].weights).equals(Buffer.from(expected.weights))).toBe(true);
    expect(states[0].manifest.modelStepCount).toBe(1);
    disposeModel(model);
  });

  it('starts from a model and copies state back', async () => {
    const model = createDimModel({ ...CONFIG, seed: 51 });
    trainer = await createParallelTrainer({ backend: 'wasm', workers: 2, model });
    expect(trainer.config.seed).toBe(51);
    await trainer.step(images(6, 52), 6);

    await trainer.copyStateInto(model);
    const [replica] = await trainer.replicaStates();
    const copied = await serializeModel(model, { epoch: 0, step: 0 });
    expect(Buffer.from(copied.weights).equals(Buffer.from(replica.weights))).toBe(true);
    expect(model.stepCount).toBe(1);
    expect(model.encoderOptimizer.iterations).toBe(1);

    const embedding = await trainer.embed(images(3, 53), 3);
    expect(embedding).toHaveLength(3 * 16);
    disposeModel(model);
  });

  it.each(['throw', 'exit'] as const)('rejects the step when a worker fails (%s)', async (kind) => {
    trainer = await createParallelTrainer({
      backend: 'wasm',
      workers: 2,
      config: CONFIG,
      faultInjection: { workerIndex: 1, atStep: 1, kind },
    });
    await trainer.step(images(4, 61), 4);

    const expected = kind === 'throw' ? 'Injected failure in worker 1 at step 1' : 'exited unexpectedly with code 3';
    await expect(trainer.step(images(4, 62), 4)).rejects.toThrow(expected);
    await expect(trainer.step(images(4, 63), 4)).rejects.toThrow('stopped after a replica failed');
    await trainer.dispose();
    await expect(trainer.save(path.join(workDir, 'after'), { epoch: 0, step: 0 })).rejects.toThrow('disposed');
  });

  it('rejects a batch of the wrong length', async () => {
    trainer = await createParallelTrainer({ backend: 'wasm', workers: 2, config: CONFIG });
    await expect(trainer.step(images(3, 71), 4)).rejects.toThrow('Invalid batch: 5184 values for 4 images of 24x24x3; expected 6912.');
    await trainer.step(images(4, 72), 4);
  });

  it('rejects native backends', async () => {
    await expect(createParallelTrainer({ backend: 'tensorflow' as never, workers: 2, config: CONFIG })).rejects.toThrow(
      "Invalid backend \"tensorflow\" for parallel training: use 'wasm' or 'cpu'.",
    );
  });

  it('reports a replica that cannot start', async () => {
    await expect(
      createParallelTrainer({ backend: 'wasm', workers: 2, config: { ...CONFIG, inputShape: [16, 16, 3] } }),
    ).rejects.toThrow(/Replica worker \d failed to start: Local feature map 4x4 is too small/);
  });
});
