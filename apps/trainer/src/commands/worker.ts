import path from 'node:path';

import { migrateDatabase, resolveDatabase } from '@dim/db';
import { Command, Option } from 'commander';

import type { Logger } from '../logger';
import { choiceOption, integerOption } from '../options';
import { WORKER_DEFAULTS, workerOptionsFromEnv, type WorkerOptions } from '../worker/options';
import { startWorker } from '../worker/worker';

export interface WorkerCommandOptions {
  readonly databaseUrl?: string;
  readonly runsDir?: string;
  readonly dataDir?: string;
  readonly concurrency?: number;
  readonly pollIntervalMs?: number;
  readonly onCrash?: 'resume' | 'fail';
  readonly heartbeatIntervalMs?: number;
  readonly heartbeatTimeoutMs?: number;
}

export function createWorkerCommand(run: (options: WorkerCommandOptions) => Promise<void>): Command {
  return new Command('worker')
    .description(
      'Carry out training runs queued through the API: claim them, train, checkpoint, embed and write the embeddings. ' +
        'Stops gracefully on SIGTERM or SIGINT, putting active runs back in the queue.',
    )
    .option('--database-url <url>', 'PostgreSQL connection string (env DATABASE_URL; default: the embedded database)')
    .option('--runs-dir <dir>', 'folder of the per-run folders with checkpoints (env RUNS_DIR; default: runs)')
    .option('--data-dir <dir>', 'folder with the data sets: CIFAR-10 in it, Fashion-MNIST in its fashion-mnist/ (env DATA_DIR)')
    .option('--concurrency <n>', `runs trained at the same time (env WORKER_CONCURRENCY; default ${WORKER_DEFAULTS.concurrency})`, integerOption('--concurrency', 1))
    .option('--poll-interval-ms <ms>', `time between looks for queued runs while idle (env WORKER_POLL_INTERVAL_MS; default ${WORKER_DEFAULTS.pollIntervalMs})`, integerOption('--poll-interval-ms', 1))
    .addOption(
      new Option('--on-crash <policy>', `what to do with runs of dead workers: resume from the last checkpoint, or fail (env WORKER_ON_CRASH; default ${WORKER_DEFAULTS.onCrash})`)
        .argParser(choiceOption('--on-crash', ['resume', 'fail'] as const)),
    )
    .option('--heartbeat-interval-ms <ms>', `time between heartbeats of an active run (env WORKER_HEARTBEAT_INTERVAL_MS; default ${WORKER_DEFAULTS.heartbeatIntervalMs})`, integerOption('--heartbeat-interval-ms', 1))
    .option('--heartbeat-timeout-ms <ms>', `heartbeat age after which a run counts as abandoned (env WORKER_HEARTBEAT_TIMEOUT_MS; default ${WORKER_DEFAULTS.heartbeatTimeoutMs})`, integerOption('--heartbeat-timeout-ms', 1))
    .action(async (options: WorkerCommandOptions) => run(options));
}

/** Runs the `worker` command until SIGTERM or SIGINT, then stops the worker and returns. */
export async function runWorker(options: WorkerCommandOptions, logger: Logger): Promise<void> {
  const fromEnv = workerOptionsFromEnv();
  const database = options.databaseUrl ? { url: options.databaseUrl, stop: undefined } : await resolveDatabase();
  try {
    // Idempotent, and serialised by an advisory lock, so any number of workers may run it.
    await migrateDatabase(database.url);

    const dataDir = options.dataDir ?? fromEnv.dataDir;
    const workerOptions: WorkerOptions = {
      ...fromEnv,
      ...definedOnly(options),
      databaseUrl: database.url,
      runsDir: path.resolve(options.runsDir ?? fromEnv.runsDir ?? 'runs'),
      // Left empty when unset, so the worker rejects it with a message naming --data-dir's variable.
      dataDir: dataDir ? path.resolve(dataDir) : '',
      logger,
    };
    const worker = await startWorker(workerOptions);
    await waitForStopSignal(logger);
    await worker.stop();
  } finally {
    await database.stop?.();
  }
}

/** Resolves on the first SIGTERM or SIGINT; a second one exits at once. */
function waitForStopSignal(logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (received) {
        logger.warn({ signal }, 'Second stop signal: exiting without requeueing active runs');
        process.exit(130);
      }
      received = true;
      logger.info({ signal }, 'Stop signal received: stopping active runs at their next step');
      resolve();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
