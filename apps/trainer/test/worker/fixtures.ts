import { spawnSync } from 'node:child_process';

import type { PrismaClient } from '@dim/db';
import pino from 'pino';

import { TRAINING_CONFIG_DEFAULTS, type TrainingJobConfig } from '../../src/worker/config';

/** Logs only warnings and errors, so test output shows what went wrong and little else. */
export const testLogger = pino({ level: process.env.LOG_LEVEL ?? 'warn' });

/** Inserts a data set row with no images, enough for tests of the run table alone. */
export async function insertDataset(db: PrismaClient, name = 'cifar10'): Promise<number> {
  const dataset = await db.dataset.create({
    data: { name, classNames: ['a', 'b'], height: 32, width: 32, channels: 3, sourcePath: '/nonexistent' },
  });
  return dataset.id;
}

/** Inserts a queued run the way startTraining does. */
export async function insertQueuedRun(
  db: PrismaClient,
  datasetId: number,
  overrides: Partial<TrainingJobConfig> = {},
): Promise<number> {
  const config = { ...TRAINING_CONFIG_DEFAULTS, ...overrides };
  const run = await db.trainingRun.create({
    data: { datasetId, config, preset: config.preset, embeddingDim: config.embeddingDim },
  });
  return run.id;
}

/** Returns the pid of a process that has already exited, so no live process has it (until reuse). */
export function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}
