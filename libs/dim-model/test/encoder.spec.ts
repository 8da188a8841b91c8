import * as tf from '@tensorflow/tfjs-core';

import { createDimModel, disposeModel, flopsPerImage, inferEncoderShapes, PRESETS } from '../src';
import { applyEncoder } from '../src/encoder';
import { randomImages, useTestBackend } from './helpers';

useTestBackend();

describe('encoder shapes', () => {
  it.each([
    ['reference', [26, 26, 128]],
    ['paper', [8, 8, 128]],
  ] as const)('%s preset gives M of %j and a 64-d y', (preset, localFeatureShape) => {
    const model = createDimModel({ preset, seed: 1 });
    const images = randomImages(2, 2);

    const { localFeatures, embedding } = applyEncoder(model.encoder, images, { training: false });

    expect(localFeatures.shape).toEqual([2, ...localFeatureShape]);
    expect(embedding.shape).toEqual([2, 64]);
    tf.dispose([images, localFeatures, embedding]);
    disposeModel(model);
  });

  it('uses the configured embedding size', () => {
    expect(inferEncoderShapes('paper', [32, 32, 3], 128).embeddingDim).toBe(128);
    const model = createDimModel({ preset: 'paper', embeddingDim: 16, seed: 1 });
    const images = randomImages(2, 3);

    const { embedding } = applyEncoder(model.encoder, images, { training: false });

    expect(embedding.shape).toEqual([2, 16]);
    tf.dispose([images, embedding]);
    disposeModel(model);
  });

  it('rejects an input too small for the preset', () => {
    expect(() => createDimModel({ preset: 'reference', inputShape: [8, 8, 3], seed: 1 })).toThrow(/too small/);
  });

  it('rejects an unknown preset by name', () => {
    expect(() => createDimModel({ preset: 'resnet' as never, seed: 1 })).toThrow(/expected one of reference, paper/);
  });

  it('initialises identical weights from the same seed', () => {
    const first = createDimModel({ seed: 7 });
    const second = createDimModel({ seed: 7 });
    const third = createDimModel({ seed: 8 });
    const path = 'encoder/conv1/kernel';

    const firstKernel = first.variables.get(path)!.dataSync();
    expect(second.variables.get(path)!.dataSync()).toEqual(firstKernel);
    expect(third.variables.get(path)!.dataSync()).not.toEqual(firstKernel);
    [first, second, third].forEach(disposeModel);
  });
});

describe('flopsPerImage', () => {
  it('counts about 2.4 GFLOP for a reference forward pass', () => {
    const { encoderForward } = flopsPerImage('reference');

    expect(encoderForward).toBeGreaterThan(2.35e9);
    expect(encoderForward).toBeLessThan(2.5e9);
  });

  it('makes the paper preset about 50 times cheaper', () => {
    const ratio = flopsPerImage('reference').encoderForward / flopsPerImage('paper').encoderForward;

    expect(ratio).toBeGreaterThan(40);
    expect(ratio).toBeLessThan(65);
  });

  it('estimates forward plus backward as 3x forward', () => {
    for (const preset of Object.keys(PRESETS) as Array<keyof typeof PRESETS>) {
      const counts = flopsPerImage(preset);
      expect(counts.encoderForwardBackward).toBe(3 * counts.encoderForward);
      expect(counts.trainingStep).toBe(3 * (counts.encoderForward + counts.discriminatorsForward));
    }
  });
});
