import type { PrismaClient } from '@dim/db';

import { ProgressReporter, type RunProgress } from '../../src/worker/progress-reporter';
import { testLogger } from './fixtures';

/** Records the progress JSON of every UPDATE the reporter sends. */
function recordingDatabase(): { db: PrismaClient; writes: RunProgress[] } {
  const writes: RunProgress[] = [];
  const db = {
    $executeRaw: async (_sql: TemplateStringsArray, json: string) => {
      writes.push(JSON.parse(json) as RunProgress);
      return 1;
    },
  } as unknown as PrismaClient;
  return { db, writes };
}

function snapshot(step: number): RunProgress {
  return {
    phase: 'training',
    epoch: 1,
    epochs: 1,
    step,
    stepsPerEpoch: 100,
    fraction: step / 100,
    totalLoss: 1,
    localLoss: 1,
    globalLoss: 1,
    priorLoss: 1,
    imagesPerSecond: 10,
    etaSeconds: 10,
    updatedAt: new Date().toISOString(),
  };
}

describe('ProgressReporter', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('writes at most once an interval', async () => {
    const { db, writes } = recordingDatabase();
    const reporter = new ProgressReporter({ db, runId: 1, minIntervalMs: 2_000, logIntervalMs: 60_000, logger: testLogger });

    for (let step = 1; step <= 50; step++) {
      reporter.report(snapshot(step));
      await jest.advanceTimersByTimeAsync(100);
    }
    await reporter.close();

    // Step n is reported at (n - 1) * 100 ms. The first is written at once, the timer writes
    // the latest one at 2 s (step 20) and 4 s (step 40), and close writes the last.
    expect(writes.map((write) => write.step)).toEqual([1, 20, 40, 50]);
  });

  it('writes the latest snapshot after the interval', async () => {
    const { db, writes } = recordingDatabase();
    const reporter = new ProgressReporter({ db, runId: 1, minIntervalMs: 2_000, logIntervalMs: 60_000, logger: testLogger });

    reporter.report(snapshot(1));
    reporter.report(snapshot(2));
    reporter.report(snapshot(3));
    await jest.advanceTimersByTimeAsync(2_000);

    expect(writes.map((write) => write.step)).toEqual([1, 3]);
    await reporter.close();
  });

  it('ignores snapshots after close', async () => {
    const { db, writes } = recordingDatabase();
    const reporter = new ProgressReporter({ db, runId: 1, minIntervalMs: 2_000, logIntervalMs: 60_000, logger: testLogger });

    await reporter.close();
    reporter.report(snapshot(1));
    await jest.advanceTimersByTimeAsync(5_000);

    expect(writes).toEqual([]);
  });
});
