import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

import { startWorker, type WorkerHandle } from '../../src/worker/worker';
import { testLogger } from './fixtures';
import { CIFAR_DATA_DIR, FAST_WORKER_SETTINGS, Harness, REGISTERED_TEST_IMAGES, REGISTERED_TRAIN_IMAGES, SHORT_RUN } from './harness';
import { TEST_DATABASE_KINDS } from './test-database';

interface NeighbourResult {
  query: { id: number };
  neighbours: { image: { id: number }; distance: number }[];
}

describe.each(TEST_DATABASE_KINDS)('worker on %s', (kind) => {
  let harness: Harness;
  let worker: WorkerHandle;

  beforeAll(async () => {
    harness = await Harness.start(kind);
    worker = await startWorker({
      databaseUrl: harness.database.url,
      runsDir: harness.runsDir,
      dataDir: CIFAR_DATA_DIR,
      concurrency: 1,
      onCrash: 'resume',
      logger: testLogger,
      ...FAST_WORKER_SETTINGS,
    });
  }, 180_000);

  afterAll(async () => {
    await worker?.stop();
    await harness?.stop();
  });

  it('runs a queued run to completion', async () => {
    const id = await harness.startTraining(SHORT_RUN);

    const running = await harness.waitForRun(id, (run) => (run.progress?.step ?? 0) >= 1 || !['QUEUED', 'RUNNING'].includes(run.status), 120_000);
    expect(running.status).toBe('RUNNING');
    expect(running.backend).not.toBeNull();
    expect(running.startedAt).not.toBeNull();
    expect(running.progress!.stepsPerEpoch).toBe(4);
    expect(running.progress!.fraction).toBeGreaterThan(0);
    expect(running.progress!.fraction).toBeLessThan(1);
    expect(running.progress!.imagesPerSecond).toBeGreaterThan(0);
    expect(running.progress!.etaSeconds).toBeGreaterThan(0);

    const run = await harness.waitForStatus(id, 'COMPLETED', 300_000);
    expect(run.status).toBe('COMPLETED');
    expect(run.error).toBeNull();
    expect(run.finishedAt).not.toBeNull();
    expect(run.embeddingCount).toBe(REGISTERED_TRAIN_IMAGES + REGISTERED_TEST_IMAGES);
    expect(run.progress!.fraction).toBe(1);
    const { metrics, checkpoints } = await harness.records(id);
    expect(metrics.map((metric) => metric.epoch)).toEqual([1]);
    expect(Number.isFinite(metrics[0].totalLoss)).toBe(true);
    expect(checkpoints.map((checkpoint) => [checkpoint.epoch, checkpoint.step])).toEqual([[1, 0]]);
    expect((await stat(checkpoints[0].path)).isDirectory()).toBe(true);

    // The run folder (runDir/checkpoints/<checkpoint>) records the epochs like the CLI's does.
    const runDir = path.dirname(path.dirname(checkpoints[0].path));
    const metricsFile = JSON.parse(await readFile(path.join(runDir, 'metrics.json'), 'utf8')) as { epochs: { epoch: number; seconds: number }[] };
    expect(metricsFile.epochs.map((epoch) => epoch.epoch)).toEqual([1]);
    expect(metricsFile.epochs[0].seconds).toBeGreaterThan(0);
  });

  it('answers similar and dissimilar after completion', async () => {
    const completed = await harness.database.db.trainingRun.findFirstOrThrow({ where: { status: 'completed' } });
    const image = await harness.database.db.image.findFirstOrThrow({ where: { split: 'test' }, orderBy: { indexInSplit: 'asc' } });
    const query = `query Neighbours($id: Int!, $runId: Int) {
      similar(id: $id, k: 5, runId: $runId) { query { id } neighbours { image { id } distance } }
      dissimilar(id: $id, k: 5, runId: $runId) { query { id } neighbours { image { id } distance } }
    }`;

    const data = await harness.graphql<{ similar: NeighbourResult; dissimilar: NeighbourResult }>(query, { id: image.id, runId: completed.id });

    const similar = data.similar.neighbours.map((neighbour) => neighbour.distance);
    const dissimilar = data.dissimilar.neighbours.map((neighbour) => neighbour.distance);
    expect(similar).toHaveLength(5);
    expect(dissimilar).toHaveLength(5);
    expect(similar).toEqual([...similar].sort((a, b) => a - b));
    expect(dissimilar).toEqual([...dissimilar].sort((a, b) => b - a));
    expect(Math.max(...similar)).toBeLessThanOrEqual(Math.min(...dissimilar));
    expect(data.similar.neighbours.map((neighbour) => neighbour.image.id)).not.toContain(image.id);
  });

  it('stores retrieval quality after completion', async () => {
    const completed = await harness.database.db.trainingRun.findFirstOrThrow({ where: { status: 'completed' } });
    const deadline = Date.now() + 120_000;
    let retrieval = completed.retrieval as Record<string, unknown> | null;
    while (retrieval === null && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      retrieval = (await harness.database.db.trainingRun.findUniqueOrThrow({ where: { id: completed.id } })).retrieval as Record<string, unknown> | null;
    }

    expect(retrieval).not.toBeNull();
    for (const field of ['knn20Accuracy', 'knn200Accuracy', 'precisionAt10'] as const) {
      expect(retrieval![field]).toBeGreaterThanOrEqual(0);
      expect(retrieval![field]).toBeLessThanOrEqual(1);
    }
    expect(Number.isNaN(Date.parse(retrieval!.computedAt as string))).toBe(false);
  });

  it('stops a cancelled run at the next step', async () => {
    const id = await harness.startTraining({ ...SHORT_RUN, epochs: 3 });
    const started = await harness.waitForRun(id, (run) => (run.progress?.step ?? 0) >= 1, 120_000);
    expect(started.status).toBe('RUNNING');

    await harness.cancelTraining(id);
    const run = await harness.waitForStatus(id, 'CANCELLED', 60_000);

    expect(run.status).toBe('CANCELLED');
    expect(run.finishedAt).not.toBeNull();
    expect(run.embeddingCount).toBe(0);
    // 12 steps were planned; the run stops within a step or two of the request. The step seen
    // before cancelling lags the real one by up to a progress interval (500 ms, a step or two
    // of this tiny model), hence the margin of 4.
    const stepsTrained = (run.progress!.epoch - 1) * run.progress!.stepsPerEpoch + run.progress!.step;
    expect(stepsTrained).toBeLessThan(12);
    expect(stepsTrained).toBeLessThanOrEqual(started.progress!.step + 4);
    expect(await harness.database.db.embedding.count({ where: { runId: id } })).toBe(0);
  });

  it('fails a run with an invalid config', async () => {
    const run = await harness.database.db.trainingRun.create({
      data: {
        datasetId: (await harness.database.db.dataset.findFirstOrThrow()).id,
        config: { ...SHORT_RUN, preset: 'tiny' },
        preset: 'tiny',
        embeddingDim: 32,
      },
    });

    const failed = await harness.waitForStatus(run.id, 'FAILED', 30_000);

    expect(failed.status).toBe('FAILED');
    expect(failed.error).toContain('Unknown preset "tiny"');
  });
});
