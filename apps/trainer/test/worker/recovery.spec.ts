import { hostname } from 'node:os';

import type { PrismaClient } from '@dim/db';

import { recoverAbandonedRuns, type CrashPolicy } from '../../src/worker/recovery';
import { deadPid, insertDataset, insertQueuedRun, testLogger } from './fixtures';
import { startTestDatabase, TEST_DATABASE_KINDS, type TestDatabase } from './test-database';

const HEARTBEAT_TIMEOUT_MS = 60_000;

describe.each(TEST_DATABASE_KINDS)('recoverAbandonedRuns on %s', (kind) => {
  let database: TestDatabase;
  let db: PrismaClient;
  let datasetId: number;
  const self = { host: hostname(), pid: process.pid };
  const selfWorkerId = `${self.host}:${self.pid}`;

  beforeAll(async () => {
    database = await startTestDatabase(kind);
    db = database.db;
    datasetId = await insertDataset(db);
  });

  afterAll(async () => {
    await database?.stop();
  });

  beforeEach(async () => {
    await db.trainingRun.deleteMany();
  });

  async function insertActiveRun(workerId: string, heartbeatAgeMs: number, status: 'running' | 'embedding' = 'running'): Promise<number> {
    const id = await insertQueuedRun(db, datasetId);
    await db.trainingRun.update({
      where: { id },
      data: { status, workerId, heartbeatAt: new Date(Date.now() - heartbeatAgeMs), startedAt: new Date() },
    });
    return id;
  }

  function recover(onCrash: CrashPolicy, activeRunIds: number[] = []) {
    return recoverAbandonedRuns({
      db,
      self,
      selfWorkerId,
      activeRunIds: new Set(activeRunIds),
      heartbeatTimeoutMs: HEARTBEAT_TIMEOUT_MS,
      onCrash,
      logger: testLogger,
    });
  }

  it('requeues a run of an exited local worker', async () => {
    const id = await insertActiveRun(`${self.host}:${deadPid()}`, 0);

    const recovered = await recover('resume');

    expect(recovered.map((run) => [run.runId, run.action])).toEqual([[id, 'requeued']]);
    const row = await db.trainingRun.findUniqueOrThrow({ where: { id } });
    expect(row.status).toBe('queued');
    expect(row.workerId).toBeNull();
    expect(row.startedAt).not.toBeNull();
    expect(row.error).toBeNull();
  });

  it('fails a dead run with the reason under fail', async () => {
    const pid = deadPid();
    const id = await insertActiveRun(`${self.host}:${pid}`, 0, 'embedding');

    await recover('fail');

    const row = await db.trainingRun.findUniqueOrThrow({ where: { id } });
    expect(row.status).toBe('failed');
    expect(row.finishedAt).not.toBeNull();
    expect(row.error).toContain(`no process ${pid}`);
    expect(row.error).toContain('while the run was embedding');
    expect(row.error).toContain('WORKER_ON_CRASH=fail');
  });

  it('recovers a remote run by heartbeat age', async () => {
    const stale = await insertActiveRun('other-host:1', HEARTBEAT_TIMEOUT_MS + 5_000);
    const fresh = await insertActiveRun('other-host:2', 1_000);

    const recovered = await recover('resume');

    expect(recovered.map((run) => run.runId)).toEqual([stale]);
    expect(recovered[0].reason).toContain('stopped sending heartbeats');
    expect((await db.trainingRun.findUniqueOrThrow({ where: { id: fresh } })).status).toBe('running');
  });

  it('leaves runs of live local workers alone', async () => {
    const id = await insertActiveRun(`${self.host}:${process.ppid}`, 0);

    expect(await recover('resume')).toEqual([]);
    expect((await db.trainingRun.findUniqueOrThrow({ where: { id } })).status).toBe('running');
  });

  it('recovers own worker id not in process', async () => {
    // After a machine restart the new worker may get the pid the old one had.
    const orphan = await insertActiveRun(selfWorkerId, 0);
    const active = await insertActiveRun(selfWorkerId, 0);

    const recovered = await recover('resume', [active]);

    expect(recovered.map((run) => run.runId)).toEqual([orphan]);
    expect((await db.trainingRun.findUniqueOrThrow({ where: { id: active } })).status).toBe('running');
  });

  it('cancels a dead run with cancellation requested', async () => {
    const id = await insertActiveRun(`${self.host}:${deadPid()}`, 0);
    await db.trainingRun.update({ where: { id }, data: { cancelRequested: true } });

    const recovered = await recover('resume');

    expect(recovered[0].action).toBe('cancelled');
    const row = await db.trainingRun.findUniqueOrThrow({ where: { id } });
    expect(row.status).toBe('cancelled');
    expect(row.finishedAt).not.toBeNull();
  });

  it('recovers a run once when racing', async () => {
    const id = await insertActiveRun('other-host:1', HEARTBEAT_TIMEOUT_MS + 5_000);
    // Two recoverers race: the second finds the run already requeued and changes nothing.
    const [first, second] = await Promise.all([recover('resume'), recover('fail')]);

    expect(first.length + second.length).toBe(1);
    expect(['queued', 'failed']).toContain((await db.trainingRun.findUniqueOrThrow({ where: { id } })).status);
  });
});
