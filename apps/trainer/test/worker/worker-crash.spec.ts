import { hostname } from 'node:os';

import { Harness, SHORT_RUN, type WorkerProcess } from './harness';
import { TEST_DATABASE_KINDS } from './test-database';

describe.each(TEST_DATABASE_KINDS)('killed worker on %s', (kind) => {
  let harness: Harness;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    harness = await Harness.start(kind);
  }, 180_000);

  afterAll(async () => {
    // SIGKILL: a worker still running here belongs to a failed test.
    for (const worker of workers) worker.child.kill('SIGKILL');
    await harness?.stop();
  });

  async function startCliWorker(env: Record<string, string> = {}): Promise<WorkerProcess> {
    const worker = harness.spawnCliWorker(env);
    workers.push(worker);
    await worker.waitForLog('Worker started; waiting for queued runs', 120_000);
    return worker;
  }

  async function killMidRun(worker: WorkerProcess, runId: number): Promise<void> {
    worker.child.kill('SIGKILL');
    expect((await worker.exited).signal).toBe('SIGKILL');
    const stuck = await harness.database.db.trainingRun.findUniqueOrThrow({ where: { id: runId } });
    expect(stuck.status).toBe('running');
    expect(stuck.workerId).toBe(`${hostname()}:${worker.pid}`);
  }

  // Runs of 16 steps an epoch (256 images, batch 16), so a kill or stop requested after the
  // first steps lands mid-epoch even when single-threaded WASM steps take a fraction of a second.
  const LONGER_RUN = { ...SHORT_RUN, subsetSize: 256 };

  it('resumes the run from its checkpoint', async () => {
    const first = await startCliWorker();
    const id = await harness.startTraining({ ...LONGER_RUN, epochs: 2, checkpointEvery: 1 });
    await harness.waitForRun(id, (run) => (run.progress?.epoch ?? 0) >= 2 || run.status !== 'RUNNING' && run.status !== 'QUEUED', 300_000);
    expect(await harness.database.db.checkpoint.count({ where: { runId: id } })).toBe(1);

    await killMidRun(first, id);
    const second = await startCliWorker();
    const run = await harness.waitForStatus(id, 'COMPLETED', 300_000);

    expect(run.status).toBe('COMPLETED');
    expect(run.embeddingCount).toBeGreaterThan(0);
    expect(second.hasLogged('Recovered abandoned run')).toBe(true);
    const resumed = second.logs.find((entry) => entry.msg === 'Resuming run from its last checkpoint');
    expect(resumed).toMatchObject({ runId: id, epoch: 1, step: 0 });
    const { metrics, checkpoints } = await harness.records(id);
    expect(metrics.map((metric) => metric.epoch)).toEqual([1, 2]);
    expect(checkpoints.map((checkpoint) => checkpoint.epoch)).toEqual([1, 2]);
    const row = await harness.database.db.trainingRun.findUniqueOrThrow({ where: { id } });
    expect(row.workerId).toBe(`${hostname()}:${second.pid}`);

    await second.stop();
    expect((await second.exited).code).toBe(0);
  });

  it('fails the run under WORKER_ON_CRASH=fail', async () => {
    const first = await startCliWorker();
    const id = await harness.startTraining({ ...LONGER_RUN, epochs: 3 });
    await harness.waitForRun(id, (run) => (run.progress?.step ?? 0) >= 1, 300_000);

    await killMidRun(first, id);
    const second = await startCliWorker({ WORKER_ON_CRASH: 'fail' });
    const run = await harness.waitForStatus(id, 'FAILED', 60_000);

    expect(run.status).toBe('FAILED');
    expect(run.finishedAt).not.toBeNull();
    expect(run.error).toContain(`Worker ${hostname()}:${first.pid} exited while the run was running`);
    expect(run.error).toContain('WORKER_ON_CRASH=fail');
    await second.stop();
  });

  it('requeues the run on SIGTERM', async () => {
    const worker = await startCliWorker();
    const id = await harness.startTraining({ ...LONGER_RUN, epochs: 2 });
    await harness.waitForRun(id, (run) => (run.progress?.step ?? 0) >= 1, 300_000);

    await worker.stop();

    expect((await worker.exited).code).toBe(0);
    const row = await harness.database.db.trainingRun.findUniqueOrThrow({ where: { id } });
    expect(row.status).toBe('queued');
    expect(row.workerId).toBeNull();
    const checkpoints = await harness.database.db.checkpoint.findMany({ where: { runId: id } });
    expect(checkpoints.length).toBeGreaterThan(0);
    expect(checkpoints.at(-1)!.step).toBeGreaterThan(0);
    expect(worker.hasLogged('Worker stopping: run requeued to resume from its last checkpoint')).toBe(true);
  });
});
