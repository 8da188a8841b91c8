import { createDimModel, disposeModel, trainStep, type StepLosses } from '../src';
import { randomImages, useTestBackend } from './helpers';

useTestBackend();

// Twenty paper-preset steps at batch 8 take a few seconds on WASM, minutes on a loaded machine.
const SLOW_TEST_TIMEOUT_MS = 900_000;

describe('trainStep', () => {
  it(
    'overfits a fixed batch and reports weighted totals',
    () => {
      const model = createDimModel({ preset: 'paper', seed: 11 });
      const images = randomImages(8, 12);
      const history: StepLosses[] = [];

      for (let step = 0; step < 20; step++) history.push(trainStep(model, images));

      for (const losses of history) {
        const weighted = 0.5 * losses.global + 1.0 * losses.local + 0.1 * losses.prior;
        expect(losses.total).toBeCloseTo(weighted, 5);
        expect(Number.isFinite(losses.discriminator)).toBe(true);
      }
      const first = history[0];
      const last = history[history.length - 1];
      expect(last.total).toBeLessThan(first.total);
      expect(last.local).toBeLessThan(first.local);
      expect(last.global).toBeLessThan(first.global);
      expect(model.stepCount).toBe(20);
      expect(model.encoderOptimizer.iterations).toBe(20);
      expect(model.priorOptimizer.iterations).toBe(20);

      images.dispose();
      disposeModel(model);
    },
    SLOW_TEST_TIMEOUT_MS,
  );
});
