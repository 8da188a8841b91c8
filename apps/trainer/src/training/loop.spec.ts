import type { Batch, ImageSet } from '@dim/dataset';

import { runTrainingLoop, stepsPerEpoch, type CheckpointReason, type TrainingLoopOptions } from './loop';
import type { LossValues, LoopState } from './types';

// The loop is tested with a recording step function, so these tests check the schedule
// (order, resume, checkpoints) without the cost of a model. The CLI test trains for real.
function imageSet(count: number): ImageSet {
  return {
    name: 'synthetic',
    split: 'train',
    height: 2,
    width: 2,
    channels: 1,
    pixels: new Uint8Array(count * 4).map((_, i) => i % 256),
    labels: new Uint8Array(count),
    classNames: ['only'],
    count,
  };
}

/** Returns a step that records each batch and reports its mean image index as the loss, so losses depend on the order. */
function recordingStep(seen: number[][]): (batch: Batch) => Promise<LossValues> {
  return async (batch) => {
    seen.push([...batch.indices]);
    const mean = batch.indices.reduce((sum, index) => sum + index, 0) / batch.indices.length;
    return { total: mean, local: 1, global: 2, prior: 3, discriminator: 4 };
  };
}

function baseOptions(seen: number[][], saves: { state: LoopState; reason: CheckpointReason }[]): TrainingLoopOptions {
  return {
    images: imageSet(22),
    epochs: 3,
    batchSize: 4,
    seed: 7,
    trainStep: recordingStep(seen),
    checkpoint: { everyEpochs: 2, save: async (state, reason) => void saves.push({ state, reason }) },
  };
}

describe('stepsPerEpoch', () => {
  it('keeps a last batch of at least two images', () => {
    expect(stepsPerEpoch(22, 4)).toBe(6);
    expect(stepsPerEpoch(21, 4)).toBe(5);
    expect(stepsPerEpoch(20, 4)).toBe(5);
  });
});

describe('runTrainingLoop', () => {
  it('visits every image once an epoch in a seeded order', async () => {
    const seen: number[][] = [];
    const result = await runTrainingLoop({ ...baseOptions(seen, []), epochs: 2 });

    expect(seen).toHaveLength(12);
    const firstEpoch = seen.slice(0, 6).flat().sort((a, b) => a - b);
    expect(firstEpoch).toEqual(Array.from({ length: 22 }, (_, i) => i));
    expect(seen.slice(0, 6)).not.toEqual(seen.slice(6, 12));
    expect(result.state).toMatchObject({ epoch: 2, step: 0, globalStep: 12 });
  });

  it('saves at the interval and after the last epoch', async () => {
    const saves: { state: LoopState; reason: CheckpointReason }[] = [];
    await runTrainingLoop(baseOptions([], saves));

    expect(saves.map((save) => [save.state.epoch, save.reason])).toEqual([
      [2, 'interval'],
      [3, 'final'],
    ]);
  });

  it('reports mean losses and throughput per epoch', async () => {
    const seen: number[][] = [];
    const result = await runTrainingLoop({ ...baseOptions(seen, []), epochs: 1 });
    const means = seen.map((batch) => batch.reduce((sum, index) => sum + index, 0) / batch.length);

    expect(result.epochs).toHaveLength(1);
    expect(result.epochs[0].steps).toBe(6);
    expect(result.epochs[0].images).toBe(22);
    expect(result.epochs[0].losses.total).toBeCloseTo(means.reduce((a, b) => a + b) / means.length, 10);
    expect(result.epochs[0].losses.discriminator).toBe(4);
    expect(result.epochs[0].imagesPerSecond).toBeGreaterThan(0);
  });

  it('resumes mid-epoch with the same order and epoch means', async () => {
    const uninterrupted: number[][] = [];
    const reference = await runTrainingLoop(baseOptions(uninterrupted, []));

    const firstPart: number[][] = [];
    const saves: { state: LoopState; reason: CheckpointReason }[] = [];
    let steps = 0;
    const stopped = await runTrainingLoop({
      ...baseOptions(firstPart, saves),
      onStep: () => void steps++,
      shouldStop: () => steps === 8,
    });
    expect(stopped.stopped).toBe(true);
    expect(saves.at(-1)).toMatchObject({ reason: 'stopped', state: { epoch: 1, step: 2, globalStep: 8 } });

    // JSON round trip, as the state goes through trainer-state.json.
    const start = JSON.parse(JSON.stringify(saves.at(-1)!.state)) as LoopState;
    const secondPart: number[][] = [];
    const resumed = await runTrainingLoop({ ...baseOptions(secondPart, []), start });

    expect([...firstPart, ...secondPart]).toEqual(uninterrupted);
    expect(resumed.epochs.map((epoch) => epoch.epoch)).toEqual([2, 3]);
    expect(resumed.epochs[0].losses.total).toBeCloseTo(reference.epochs[1].losses.total, 10);
    expect(resumed.epochs[0].steps).toBe(6);
  });

  it('stops at an epoch boundary without an extra step', async () => {
    const seen: number[][] = [];
    const saves: { state: LoopState; reason: CheckpointReason }[] = [];
    let epochsDone = 0;
    const result = await runTrainingLoop({
      ...baseOptions(seen, saves),
      onEpoch: () => void epochsDone++,
      shouldStop: () => epochsDone === 1,
    });

    expect(result.stopped).toBe(true);
    expect(seen).toHaveLength(6);
    expect(saves).toEqual([{ state: result.state, reason: 'stopped' }]);
    expect(result.state).toMatchObject({ epoch: 1, step: 0 });
  });

  it('rejects a batch size below two', async () => {
    await expect(runTrainingLoop({ ...baseOptions([], []), batchSize: 1 })).rejects.toThrow(
      'Invalid batch size 1: DIM needs at least 2 images a batch.',
    );
  });

  it('rejects a non-finite loss with the step that produced it', async () => {
    const options = baseOptions([], []);
    const failingStep = async (): Promise<LossValues> => ({ total: NaN, local: 0, global: 0, prior: 0, discriminator: 0 });

    await expect(runTrainingLoop({ ...options, trainStep: failingStep })).rejects.toThrow(
      'The total loss became NaN at epoch 1, step 1.',
    );
  });
});
