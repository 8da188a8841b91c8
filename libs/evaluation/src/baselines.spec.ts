import type { ImageSet } from '@dim/dataset';
import { disposeModel, embed, selectBackend } from '@dim/dim-model';
import * as tf from '@tensorflow/tfjs-core';

import { createUntrainedModel, encoderVectors, rawPixelVectors } from './baselines';

function tinySet(count: number): ImageSet {
  const pixels = new Uint8Array(count * 32 * 32 * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 37) % 256;
  return { name: 'tiny', split: 'test', height: 32, width: 32, channels: 3, pixels, labels: new Uint8Array(count), classNames: ['a'], count };
}

describe('baselines', () => {
  beforeAll(async () => {
    await selectBackend({ backend: 'wasm', log: () => undefined });
  });

  test('raw pixels are scaled to [-1, 1]', () => {
    const set = tinySet(2);
    const { vectors, dim } = rawPixelVectors(set);
    expect(dim).toBe(3_072);
    expect(vectors.length).toBe(2 * 3_072);
    expect(vectors[0]).toBe(-1);
    expect(vectors[1]).toBeCloseTo(37 / 127.5 - 1, 6);
  });

  test('encoder vectors match one embed call', async () => {
    const set = tinySet(5);
    const model = createUntrainedModel('paper', 7);
    try {
      // Batches of 2 leave a final batch of 1, which must land at the right offset.
      const { vectors, dim } = await encoderVectors(model, set, { batchSize: 2 });
      expect(dim).toBe(model.config.embeddingDim);

      const images = tf.tensor4d(rawPixelVectors(set).vectors, [5, 32, 32, 3]);
      const expected = embed(model, images);
      const expectedValues = await expected.data();
      images.dispose();
      expected.dispose();
      expect(vectors.length).toBe(expectedValues.length);
      for (let i = 0; i < vectors.length; i++) expect(vectors[i]).toBeCloseTo(expectedValues[i], 4);
    } finally {
      disposeModel(model);
    }
  });

  test('same seed gives same untrained vectors', async () => {
    const set = tinySet(3);
    const first = createUntrainedModel('paper', 11);
    const second = createUntrainedModel('paper', 11);
    try {
      const a = await encoderVectors(first, set);
      const b = await encoderVectors(second, set);
      expect(b.vectors).toEqual(a.vectors);
    } finally {
      disposeModel(first);
      disposeModel(second);
    }
  });

  test('rejects invalid batch size', async () => {
    const model = createUntrainedModel('paper', 1);
    try {
      await expect(encoderVectors(model, tinySet(1), { batchSize: 0 })).rejects.toThrow('Invalid batchSize 0: expected a positive integer.');
    } finally {
      disposeModel(model);
    }
  });
});
