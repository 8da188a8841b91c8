import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import * as tf from '@tensorflow/tfjs-core';

import { createDimModel, disposeModel, loadCheckpoint, saveCheckpoint, trainStep, type DimModel } from '../src';
import { randomImages, useTestBackend } from './helpers';

useTestBackend();

const SLOW_TEST_TIMEOUT_MS = 900_000;

let workDir: string;

beforeEach(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'dim-checkpoint-'));
});

afterEach(async () => {
  await rm(workDir, { recursive: true, force: true });
});

/** Reads every variable and Adam moment of the model back as plain arrays. */
function snapshotState(model: DimModel): Map<string, Float32Array> {
  const state = new Map<string, Float32Array>();
  for (const [name, variable] of model.variables) state.set(name, variable.dataSync() as Float32Array);
  for (const [label, optimizer] of [['encoder', model.encoderOptimizer], ['prior', model.priorOptimizer]] as const) {
    for (const [name, m] of optimizer.firstMoments) state.set(`${label}/m/${name}`, m.dataSync() as Float32Array);
    for (const [name, v] of optimizer.secondMoments) state.set(`${label}/v/${name}`, v.dataSync() as Float32Array);
  }
  return state;
}

describe('checkpoints', () => {
  it(
    'round-trip weights, statistics and optimizer state',
    async () => {
      const model = createDimModel({ preset: 'paper', seed: 51 });
      const images = randomImages(4, 52);
      trainStep(model, images);
      const checkpointDir = path.join(workDir, 'latest');

      await saveCheckpoint(model, checkpointDir, { epoch: 3, step: 17 });
      const restored = await loadCheckpoint(checkpointDir);

      expect(restored.epoch).toBe(3);
      expect(restored.step).toBe(17);
      expect(restored.model.config).toEqual(model.config);
      expect(restored.model.stepCount).toBe(1);
      expect(restored.model.encoderOptimizer.iterations).toBe(1);
      expect(restored.model.priorOptimizer.iterations).toBe(1);
      expect(snapshotState(restored.model)).toEqual(snapshotState(model));
      expect(model.variables.get('encoder/conv2/batch_norm/moving_mean')!.dataSync().some((value) => value !== 0)).toBe(true);
      expect(await readdir(checkpointDir)).toEqual(['model.json', 'weights.bin']);

      images.dispose();
      disposeModel(model);
      disposeModel(restored.model);
    },
    SLOW_TEST_TIMEOUT_MS,
  );

  it(
    'resume with the same next-step losses',
    async () => {
      const model = createDimModel({ preset: 'paper', seed: 61 });
      const images = randomImages(4, 62);
      trainStep(model, images);
      const checkpointDir = path.join(workDir, 'latest');

      await saveCheckpoint(model, checkpointDir, { epoch: 0, step: 1 });
      const restored = await loadCheckpoint(checkpointDir);
      const continued = trainStep(model, images);
      const resumed = trainStep(restored.model, images);

      expect(resumed).toEqual(continued);
      expect(snapshotState(restored.model)).toEqual(snapshotState(model));

      images.dispose();
      disposeModel(model);
      disposeModel(restored.model);
    },
    SLOW_TEST_TIMEOUT_MS,
  );

  it(
    'leave the tensor count flat over steps',
    async () => {
      const model = createDimModel({ preset: 'paper', seed: 71 });
      const images = randomImages(4, 72);
      const checkpointDir = path.join(workDir, 'latest');
      const tensorsBefore = tf.memory().numTensors;

      for (let step = 1; step <= 3; step++) {
        trainStep(model, images, { microBatchSize: step === 2 ? 2 : undefined });
        await saveCheckpoint(model, checkpointDir, { epoch: 0, step });
        const restored = await loadCheckpoint(checkpointDir);
        disposeModel(restored.model);

        expect(tf.memory().numTensors).toBe(tensorsBefore);
      }

      images.dispose();
      disposeModel(model);
    },
    SLOW_TEST_TIMEOUT_MS,
  );

  it('replace an existing checkpoint without leftovers', async () => {
    const model = createDimModel({ preset: 'paper', seed: 81 });
    const checkpointDir = path.join(workDir, 'latest');

    await saveCheckpoint(model, checkpointDir, { epoch: 0, step: 1 });
    await saveCheckpoint(model, checkpointDir, { epoch: 0, step: 2 });

    const manifest = JSON.parse(await readFile(path.join(checkpointDir, 'model.json'), 'utf8'));
    expect(manifest.progress).toEqual({ epoch: 0, step: 2 });
    expect(await readdir(workDir)).toEqual(['latest']);
    disposeModel(model);
  });

  it('fall back to the previous folder after an interrupted swap', async () => {
    const model = createDimModel({ preset: 'paper', seed: 91 });
    const checkpointDir = path.join(workDir, 'latest');
    await saveCheckpoint(model, `${checkpointDir}.previous`, { epoch: 2, step: 5 });

    const restored = await loadCheckpoint(checkpointDir);

    expect(restored.step).toBe(5);
    disposeModel(model);
    disposeModel(restored.model);
  });

  it('report a missing checkpoint by path', async () => {
    await expect(loadCheckpoint(path.join(workDir, 'absent'))).rejects.toThrow(/absent.*model\.json does not exist/);
  });
});
