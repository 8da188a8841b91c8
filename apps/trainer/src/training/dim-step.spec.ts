import { createDimModel, disposeModel, selectBackend, type BackendInfo, type LogLevel } from '@dim/dim-model';
import type { Batch } from '@dim/dataset';
import * as tf from '@tensorflow/tfjs-core';

import { createDimTrainStepper } from './dim-step';

// A 24x24 input keeps the paper preset's steps short.
const CONFIG = { preset: 'paper', inputShape: [24, 24, 3], embeddingDim: 16, seed: 5 } as const;

function batch(count: number, seed: number): Batch {
  const images = tf.tidy(() => tf.randomUniform([count * 24 * 24 * 3], -1, 1, 'float32', seed).dataSync() as Float32Array);
  return { indices: Uint32Array.from({ length: count }, (_, index) => index), images, labels: new Uint8Array(count) };
}

let backend: BackendInfo;

beforeAll(async () => {
  backend = await selectBackend({ backend: 'wasm', log: () => undefined });
});

describe('createDimTrainStepper', () => {
  it('trains on replicas and syncs the model', async () => {
    const model = createDimModel(CONFIG);
    const lines: Array<[LogLevel, string]> = [];
    const stepper = await createDimTrainStepper(model, { backend, workers: 2, log: (level, message) => lines.push([level, message]) });
    try {
      const losses = await stepper.trainStep(batch(8, 1));
      expect(Number.isFinite(losses.total)).toBe(true);
      expect(model.stepCount).toBe(0);

      await stepper.syncModel();
      expect(model.stepCount).toBe(1);
      expect(model.encoderOptimizer.iterations).toBe(1);
      expect(stepper.workers).toBe(2);
      expect(lines).toEqual([['info', 'Training on 2 WASM workers (SIMD on, 1 thread(s) each).']]);
    } finally {
      await stepper.dispose();
      disposeModel(model);
    }
  });

  it('trains in this thread for one worker', async () => {
    const model = createDimModel(CONFIG);
    const lines: string[] = [];
    const stepper = await createDimTrainStepper(model, { backend, workers: 1, log: (_, message) => lines.push(message) });
    await stepper.trainStep(batch(4, 2));
    expect(model.stepCount).toBe(1);
    expect(lines).toEqual(['Training on 1 WASM worker (this thread).']);
    await stepper.dispose();
    disposeModel(model);
  });

  it('rejects several workers on native backends', async () => {
    const model = createDimModel(CONFIG);
    const native: BackendInfo = { name: 'tensorflow', tfBackendName: 'tensorflow' };
    await expect(createDimTrainStepper(model, { backend: native, workers: 2, log: () => undefined })).rejects.toThrow(
      'Cannot train on 2 workers with backend tensorflow: worker threads run the wasm and cpu backends only.',
    );
    disposeModel(model);
  });

  it('rejects zero workers', async () => {
    const model = createDimModel(CONFIG);
    await expect(createDimTrainStepper(model, { backend, workers: 0, log: () => undefined })).rejects.toThrow('Invalid worker count 0');
    disposeModel(model);
  });
});
