import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { checkpointName, resolveCheckpoint, RunFolder, TRAINER_STATE_FILE, writeJsonAtomic } from './run-folder';
import { emptyAccumulator, type EpochMetrics, type LoopState } from './types';

function epoch(number: number): EpochMetrics {
  return {
    epoch: number,
    steps: 10,
    images: 640,
    seconds: 2,
    imagesPerSecond: 320,
    losses: { total: 1 / number, local: 0.5, global: 0.4, prior: 0.3, discriminator: 1.3 },
    finishedAt: '2026-01-01T00:00:00.000Z',
  };
}

function state(epochNumber: number, step: number, globalStep: number): LoopState {
  return { epoch: epochNumber, step, globalStep, partial: emptyAccumulator() };
}

/** Writes a checkpoint folder as the trainer does, with a stand-in model file. */
async function addCheckpoint(run: RunFolder, loopState: LoopState): Promise<string> {
  const { dir, commit } = await run.prepareCheckpoint(loopState);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'model.json'), '{}');
  return commit();
}

describe('RunFolder', () => {
  let dir: string;
  let run: RunFolder;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'run-folder-'));
    run = new RunFolder(dir);
    await run.create();
    await run.writeConfig({ dataset: { name: 'cifar10' } });
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes metrics without leaving temporary files', async () => {
    await run.writeMetrics([epoch(1)]);
    await run.writeMetrics([epoch(1), epoch(2)]);

    expect((await run.readMetrics()).map((entry) => entry.epoch)).toEqual([1, 2]);
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('never exposes a partial metrics file to readers', async () => {
    const epochs = Array.from({ length: 200 }, (_, i) => epoch(i + 1));
    let writing = true;
    const writer = (async () => {
      for (let count = 1; count <= epochs.length; count += 10) await run.writeMetrics(epochs.slice(0, count));
      writing = false;
    })();

    let reads = 0;
    while (writing) {
      const text = await readFile(run.path('metrics.json'), 'utf8').catch(() => undefined);
      if (text !== undefined) {
        expect(() => JSON.parse(text)).not.toThrow();
        reads++;
      }
    }
    await writer;
    expect(reads).toBeGreaterThan(0);
  });

  it('returns no metrics for a new run', async () => {
    expect(await run.readMetrics()).toEqual([]);
    expect(await run.readSteps()).toEqual([]);
  });

  it('writes progress with a timestamp', async () => {
    await run.writeProgress({ epoch: 1, totalEpochs: 2, step: 3, stepsPerEpoch: 4, globalStep: 3, state: 'running', done: false });
    const progress = await run.readProgress();

    expect(progress).toMatchObject({ epoch: 1, totalEpochs: 2, step: 3, done: false });
    expect(Date.parse(progress.updatedAt)).not.toBeNaN();
  });

  it('lists complete checkpoints in training order', async () => {
    await addCheckpoint(run, state(2, 0, 20));
    await addCheckpoint(run, state(1, 0, 10));
    await addCheckpoint(run, state(10, 0, 100));
    // A checkpoint interrupted mid-write has no trainer state and must be ignored.
    await mkdir(run.path('checkpoints', checkpointName(state(11, 0, 110))));

    const checkpoints = await run.listCheckpoints();

    expect(checkpoints.map((entry) => entry.state.globalStep)).toEqual([10, 20, 100]);
  });

  it('truncates metrics and steps after a resume point', async () => {
    await run.writeMetrics([epoch(1), epoch(2), epoch(3)]);
    for (let globalStep = 1; globalStep <= 30; globalStep++) {
      const losses = { total: 1, local: 1, global: 1, prior: 1, discriminator: 1 };
      await run.appendStep({ epoch: Math.ceil(globalStep / 10), step: ((globalStep - 1) % 10) + 1, globalStep, images: 4, seconds: 1, losses });
    }

    await run.truncateAfter(state(1, 5, 15));

    expect((await run.readMetrics()).map((entry) => entry.epoch)).toEqual([1]);
    expect((await run.readSteps()).map((record) => record.globalStep)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
  });

  it('prunes old checkpoints and those after a resume point', async () => {
    for (let epochNumber = 1; epochNumber <= 4; epochNumber++) await addCheckpoint(run, state(epochNumber, 0, epochNumber * 10));

    expect(await run.pruneCheckpointsAfter(30)).toHaveLength(1);
    expect(await run.pruneCheckpoints(2)).toHaveLength(1);
    expect((await run.listCheckpoints()).map((entry) => entry.state.epoch)).toEqual([2, 3]);
  });
});

describe('resolveCheckpoint', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'resolve-checkpoint-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('resolves a run folder to its newest checkpoint', async () => {
    const run = new RunFolder(dir);
    await run.create();
    await run.writeConfig({});
    await addCheckpoint(run, state(1, 0, 10));
    const newest = await addCheckpoint(run, state(1, 4, 14));

    const resolved = await resolveCheckpoint(dir);

    expect(resolved.checkpoint.dir).toBe(newest);
    expect(resolved.checkpoint.state).toMatchObject({ epoch: 1, step: 4, globalStep: 14 });
    expect(resolved.run.dir).toBe(dir);
  });

  it('resolves a checkpoint folder and finds its run folder', async () => {
    const run = new RunFolder(dir);
    await run.create();
    await run.writeConfig({});
    const oldest = await addCheckpoint(run, state(1, 0, 10));
    await addCheckpoint(run, state(2, 0, 20));

    const resolved = await resolveCheckpoint(oldest);

    expect(resolved.checkpoint.dir).toBe(oldest);
    expect(resolved.checkpoint.state.epoch).toBe(1);
    expect(resolved.run.dir).toBe(dir);
  });

  it('rejects a missing path', async () => {
    await expect(resolveCheckpoint(path.join(dir, 'absent'))).rejects.toThrow('Checkpoint or run folder not found');
  });

  it('rejects a folder that is not a run', async () => {
    await expect(resolveCheckpoint(dir)).rejects.toThrow('is neither a run folder (no config.json) nor a checkpoint');
  });

  it('rejects a run folder without checkpoints', async () => {
    await new RunFolder(dir).writeConfig({});

    await expect(resolveCheckpoint(dir)).rejects.toThrow('has no complete checkpoint');
  });

  it('rejects a checkpoint outside a run folder', async () => {
    const lone = path.join(dir, 'a', 'b');
    await mkdir(lone, { recursive: true });
    await writeJsonAtomic(path.join(lone, TRAINER_STATE_FILE), state(1, 0, 1));

    await expect(resolveCheckpoint(lone)).rejects.toThrow('is not inside a run folder');
  });
});
