import { createPrismaClient, type PrismaClient } from '@dim/db';

import { claimNextRun } from '../../src/worker/claim';
import { closeDatabase } from '../../src/worker/worker';
import { insertDataset, insertQueuedRun } from './fixtures';
import { startTestDatabase, TEST_DATABASE_KINDS, type TestDatabase } from './test-database';

describe.each(TEST_DATABASE_KINDS)('claimNextRun on %s', (kind) => {
  let database: TestDatabase;
  let db: PrismaClient;
  let datasetId: number;

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

  it('claims the oldest queued run', async () => {
    const first = await insertQueuedRun(db, datasetId);
    await insertQueuedRun(db, datasetId);

    const claimed = await claimNextRun(db, 'host-a:1');

    expect(claimed?.id).toBe(first);
    const row = await db.trainingRun.findUniqueOrThrow({ where: { id: first } });
    expect(row.status).toBe('running');
    expect(row.workerId).toBe('host-a:1');
    expect(row.heartbeatAt).not.toBeNull();
    expect(row.startedAt).not.toBeNull();
  });

  it('returns null without queued runs', async () => {
    const id = await insertQueuedRun(db, datasetId);
    await db.trainingRun.update({ where: { id }, data: { status: 'cancelled' } });

    expect(await claimNextRun(db, 'host-a:1')).toBeNull();
  });

  it('keeps started_at of a requeued run', async () => {
    const id = await insertQueuedRun(db, datasetId);
    const startedAt = new Date('2026-01-02T03:04:05.678Z');
    await db.trainingRun.update({ where: { id }, data: { startedAt } });

    const claimed = await claimNextRun(db, 'host-a:1');

    expect(claimed?.startedAt.toISOString()).toBe(startedAt.toISOString());
  });

  it('gives each run to one concurrent claimer', async () => {
    const runIds = [];
    for (let i = 0; i < 4; i++) runIds.push(await insertQueuedRun(db, datasetId));
    // Separate clients, so on PostgreSQL the claims run on separate connections at once.
    const clients = Array.from({ length: 8 }, () => createPrismaClient(database.url, { poolMax: 1 }));

    try {
      const results = await Promise.all(clients.map((client, i) => claimNextRun(client, `host-${i}:1`)));

      const claimedIds = results.filter((run) => run !== null).map((run) => run!.id);
      expect(claimedIds.sort((a, b) => a - b)).toEqual(runIds);
      const rows = await db.trainingRun.findMany({ orderBy: { id: 'asc' } });
      for (const row of rows) {
        const winner = results.findIndex((run) => run?.id === row.id);
        expect(row.workerId).toBe(`host-${winner}:1`);
      }
    } finally {
      await Promise.all(clients.map((client) => closeDatabase(client)));
    }
  });
});
