import * as tf from '@tensorflow/tfjs-core';

import {
  computeStepGradients,
  createDimModel,
  disposeModel,
  disposeStepGradients,
  trainStep,
  type StepGradients,
} from '../src';
import { maxAbsDifference, randomImages, useTestBackend } from './helpers';

useTestBackend();

// A paper-preset step at batch 8 takes several seconds of CPU time, and these tests run a few dozen.
const SLOW_TEST_TIMEOUT_MS = 900_000;

const LOSS_INDEX = { total: 0, local: 1, global: 2, prior: 3, discriminator: 4 } as const;

function readLosses(gradients: StepGradients): number[] {
  return Array.from(gradients.losses.dataSync());
}

describe('trainStep', () => {
  it('rejects a batch of 1 image', () => {
    const model = createDimModel({ preset: 'paper', seed: 1 });
    const image = randomImages(1, 2);

    expect(() => trainStep(model, image)).toThrow(/batch of 1 image/);

    image.dispose();
    disposeModel(model);
  });

  it('rejects images of the wrong shape', () => {
    const model = createDimModel({ preset: 'paper', seed: 1 });
    const images = tf.zeros([2, 28, 28, 1]) as tf.Tensor4D;

    expect(() => trainStep(model, images)).toThrow(/expected \[batch, 32, 32, 3\]/);

    images.dispose();
    disposeModel(model);
  });
});

describe('prior matching game', () => {
  it(
    'lowers each side loss after its own update',
    () => {
      // With alpha = beta = 0 the encoder update follows the generator loss alone, so the test
      // isolates the direction of the adversarial game.
      const model = createDimModel({ preset: 'paper', alpha: 0, beta: 0, gamma: 1, seed: 21 });
      const images = randomImages(8, 22);

      const initial = computeStepGradients(model, images);
      for (const path of initial.prior.keys()) expect(path).toMatch(/^prior_discriminator\//);
      for (const path of initial.encoder.keys()) expect(path).not.toMatch(/^prior_discriminator\//);
      const discriminatorLossBefore = readLosses(initial)[LOSS_INDEX.discriminator];

      // stepCount is unchanged, so the recomputation draws the same prior samples.
      model.priorOptimizer.applyGradients(initial.prior);
      disposeStepGradients(initial);
      const afterDiscriminatorStep = computeStepGradients(model, images);
      const [, , , generatorLossBefore, discriminatorLossAfter] = readLosses(afterDiscriminatorStep);

      expect(discriminatorLossAfter).toBeLessThan(discriminatorLossBefore);

      model.encoderOptimizer.applyGradients(afterDiscriminatorStep.encoder);
      disposeStepGradients(afterDiscriminatorStep);
      const afterEncoderStep = computeStepGradients(model, images);
      const generatorLossAfter = readLosses(afterEncoderStep)[LOSS_INDEX.prior];

      expect(generatorLossAfter).toBeLessThan(generatorLossBefore);

      disposeStepGradients(afterEncoderStep);
      images.dispose();
      disposeModel(model);
    },
    SLOW_TEST_TIMEOUT_MS,
  );
});

describe('micro-batch accumulation', () => {
  it(
    'averages the gradients of its micro-batches',
    () => {
      const model = createDimModel({ preset: 'paper', seed: 31 });
      const images = randomImages(4, 32);
      const firstHalf = images.slice(0, 2);
      const secondHalf = images.slice(2, 2);

      const accumulated = computeStepGradients(model, images, { microBatchSize: 2 });
      const first = computeStepGradients(model, firstHalf);
      const second = computeStepGradients(model, secondHalf);

      // Each micro-batch weighs 2/4, so the accumulated gradient is the mean of the halves'
      // gradients. Batch norm and MI pairs use only their micro-batch in both computations.
      expect([...accumulated.encoder.keys()].sort()).toEqual([...first.encoder.keys()].sort());
      const mismatches: string[] = [];
      for (const [path, gradient] of accumulated.encoder) {
        const expected = tf.tidy(() => tf.mul(tf.add(first.encoder.get(path)!, second.encoder.get(path)!), 0.5));
        const scale = tf.tidy(() => tf.max(tf.abs(expected)).dataSync()[0]);
        const difference = maxAbsDifference(gradient, expected);
        if (difference > 1e-4 * Math.max(scale, 1e-6)) mismatches.push(`${path}: ${difference} (scale ${scale})`);
        expected.dispose();
      }
      expect(mismatches).toEqual([]);

      // The prior discriminator's samples differ per micro-batch, so only its gradient shapes match.
      for (const [path, gradient] of accumulated.prior) expect(gradient.shape).toEqual(first.prior.get(path)!.shape);

      const accumulatedLosses = readLosses(accumulated);
      const firstLosses = readLosses(first);
      const secondLosses = readLosses(second);
      for (const index of [LOSS_INDEX.total, LOSS_INDEX.local, LOSS_INDEX.global, LOSS_INDEX.prior]) {
        expect(accumulatedLosses[index]).toBeCloseTo((firstLosses[index] + secondLosses[index]) / 2, 5);
      }

      [accumulated, first, second].forEach(disposeStepGradients);
      tf.dispose([images, firstHalf, secondHalf]);
      disposeModel(model);
    },
    SLOW_TEST_TIMEOUT_MS,
  );
});
