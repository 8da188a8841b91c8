import { hostname } from 'node:os';

import { Harness, SHORT_RUN, type WorkerProcess } from './harness';
import { TEST_DATABASE_KINDS } from './test-database';

describe.each(TEST_DATABASE_KINDS)('two workers on %s', (kind) => {
  let harness: Harness;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    harness = await Harness.start(kind);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await harness?.stop();
  });

  it('splits two runs without overlap', async () => {
    workers.push(harness.spawnCliWorker(), harness.spawnCliWorker());
    await Promise.all(workers.map((worker) => worker.waitForLog('Worker started; waiting for queued runs', 120_000)));

    const ids = [await harness.startTraining(SHORT_RUN), await harness.startTraining({ ...SHORT_RUN, seed: 2 })];
    const runs = [];
    for (const id of ids) runs.push(await harness.waitForStatus(id, 'COMPLETED', 400_000, 2_000));

    expect(runs.map((run) => run.status)).toEqual(['COMPLETED', 'COMPLETED']);
    const rows = await harness.database.db.trainingRun.findMany({ where: { id: { in: ids } }, orderBy: { id: 'asc' } });
    const owners = rows.map((row) => row.workerId);
    expect(new Set(owners).size).toBe(2);
    expect(owners.sort()).toEqual(workers.map((worker) => `${hostname()}:${worker.pid}`).sort());
    for (const [index, worker] of workers.entries()) {
      const claimed = worker.logs.filter((entry) => entry.msg === 'Claimed run').map((entry) => entry.runId);
      expect(claimed).toEqual([rows.find((row) => row.workerId === `${hostname()}:${worker.pid}`)!.id]);
      expect(index).toBeLessThan(2);
    }
  });
});
