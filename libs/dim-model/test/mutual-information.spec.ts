import * as tf from '@tensorflow/tfjs-core';

import { derangeBatch, jsdMutualInformation, splitIntoMicroBatches } from '../src';
import { useTestBackend } from './helpers';

useTestBackend();

describe('derangeBatch', () => {
  it.each([2, 3, 8])('pairs each of %i images with another image exactly once', (batchSize) => {
    // Each image's features are filled with its own index, so the output shows the pairing.
    const features = tf.tidy(() => tf.mul(tf.ones([batchSize, 2, 2, 3]), tf.range(0, batchSize).reshape([batchSize, 1, 1, 1])));

    const deranged = derangeBatch(features);
    const sources = Array.from(tf.tidy(() => deranged.mean([1, 2, 3])).dataSync());

    expect(deranged.shape).toEqual(features.shape);
    sources.forEach((source, index) => expect(source).not.toBe(index));
    expect([...sources].sort((a, b) => a - b)).toEqual(Array.from({ length: batchSize }, (_, i) => i));
    tf.dispose([features, deranged]);
  });

  it('rejects a batch of 1 image', () => {
    const single = tf.zeros([1, 4]);

    expect(() => derangeBatch(single)).toThrow(/batch of 1 image.*at least 2 images/);
    single.dispose();
  });
});

describe('jsdMutualInformation', () => {
  it('matches the Jensen-Shannon formula', () => {
    const joint = tf.tensor1d([2, -1]);
    const marginal = tf.tensor1d([0.5, -3]);
    const softplus = (x: number) => Math.log1p(Math.exp(x));
    const expected = (-softplus(-2) - softplus(1)) / 2 - (softplus(0.5) + softplus(-3)) / 2;

    const estimate = jsdMutualInformation(joint, marginal);

    expect(estimate.dataSync()[0]).toBeCloseTo(expected, 5);
    tf.dispose([joint, marginal, estimate]);
  });

  it('grows when joint and marginal scores separate', () => {
    const estimates = tf.tidy(() =>
      [1, 4].map((margin) => jsdMutualInformation(tf.fill([4], margin), tf.fill([4], -margin)).dataSync()[0]),
    );

    expect(estimates[1]).toBeGreaterThan(estimates[0]);
    expect(estimates[1]).toBeLessThanOrEqual(2 * Math.log(2));
  });
});

describe('splitIntoMicroBatches', () => {
  it.each([
    [8, 8, [8]],
    [8, 4, [4, 4]],
    [10, 4, [4, 3, 3]],
    [9, 4, [3, 3, 3]],
  ])('splits %i images at most %i at a time into %j', (batchSize, microBatchSize, expected) => {
    expect(splitIntoMicroBatches(batchSize, microBatchSize)).toEqual(expected);
  });

  it('rejects a split that leaves a single image', () => {
    expect(() => splitIntoMicroBatches(5, 2)).toThrow(/at least 2 each/);
  });

  it('rejects a micro-batch size below 2', () => {
    expect(() => splitIntoMicroBatches(8, 1)).toThrow(/microBatchSize 1/);
  });
});
