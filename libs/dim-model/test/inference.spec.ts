import * as tf from '@tensorflow/tfjs-core';

import { createDimModel, disposeModel, embed, trainStep } from '../src';
import { maxAbsDifference, randomImages, useTestBackend } from './helpers';

useTestBackend();

describe('embed', () => {
  it(
    'gives an image the same embedding alone and in a batch',
    () => {
      const model = createDimModel({ preset: 'paper', seed: 41 });
      const trainingImages = randomImages(4, 42);
      // One step moves the batch-norm moving statistics away from their initial 0 and 1.
      trainStep(model, trainingImages);
      const batch = randomImages(512, 43);
      const single = batch.slice(0, 1);

      const alone = embed(model, single);
      const inBatch = embed(model, batch, 512);
      const inChunks = embed(model, batch, 100);
      const firstOfBatch = inBatch.slice(0, 1);

      expect(inBatch.shape).toEqual([512, 64]);
      expect(maxAbsDifference(alone, firstOfBatch)).toBeLessThan(1e-4);
      expect(maxAbsDifference(inBatch, inChunks)).toBeLessThan(1e-4);

      tf.dispose([trainingImages, batch, single, alone, inBatch, inChunks, firstOfBatch]);
      disposeModel(model);
    },
    900_000,
  );

  it('returns an empty embedding matrix for no images', () => {
    const model = createDimModel({ preset: 'paper', seed: 1 });
    const images = tf.zeros([0, 32, 32, 3]) as tf.Tensor4D;

    const embeddings = embed(model, images);

    expect(embeddings.shape).toEqual([0, 64]);
    tf.dispose([images, embeddings]);
    disposeModel(model);
  });

  it('leaves no intermediate tensors behind', () => {
    const model = createDimModel({ preset: 'paper', seed: 1 });
    const images = randomImages(6, 2);
    const tensorsBefore = tf.memory().numTensors;

    const embeddings = embed(model, images, 4);

    expect(tf.memory().numTensors).toBe(tensorsBefore + 1);
    tf.dispose([images, embeddings]);
    disposeModel(model);
  });
});
