import type { Logger } from 'pino';

import type { CrashPolicy } from './recovery';

/** Settings of one worker. Only the first three have no default. */
export interface WorkerOptions {
  /** PostgreSQL connection string (also the embedded PGlite server's). */
  readonly databaseUrl: string;
  /** Parent folder of the per-run folders (checkpoints). */
  readonly runsDir: string;
  /** Data folder the data sets are read from; see datasetDir in config.ts. */
  readonly dataDir: string;
  /** Runs this worker trains at the same time. Default 1. */
  readonly concurrency?: number;
  /** Time between two looks for queued runs while idle, in ms. Default 2000. */
  readonly pollIntervalMs?: number;
  /** Crash policy for runs of dead workers. Default 'resume'. */
  readonly onCrash?: CrashPolicy;
  /** Time between heartbeats of an active run, in ms. Default 10000. */
  readonly heartbeatIntervalMs?: number;
  /** Age of the last heartbeat after which a run counts as abandoned, in ms. Default 120000. */
  readonly heartbeatTimeoutMs?: number;
  /** Minimum time between two progress writes, in ms. Default 2000. */
  readonly progressIntervalMs?: number;
  /** Time between two reads of cancel_requested during a run, in ms. Default 1000. */
  readonly cancelPollIntervalMs?: number;
  /** Threads that train each run. Default null: one per core on wasm and cpu, 1 on native backends. */
  readonly trainWorkers?: number | null;
  readonly logger?: Logger;
}

export type ResolvedWorkerOptions = Required<Omit<WorkerOptions, 'logger'>> & { readonly logger: Logger };

export const WORKER_DEFAULTS = {
  concurrency: 1,
  pollIntervalMs: 2_000,
  onCrash: 'resume',
  heartbeatIntervalMs: 10_000,
  // One TensorFlow.js step blocks the event loop, heartbeat timer included, so the timeout
  // leaves room for steps of tens of seconds (large presets on the CPU backend).
  heartbeatTimeoutMs: 120_000,
  progressIntervalMs: 2_000,
  cancelPollIntervalMs: 1_000,
} as const satisfies Partial<WorkerOptions>;

/** Environment variables that set worker options; command-line flags take precedence. */
export const WORKER_ENV = {
  databaseUrl: 'DATABASE_URL',
  runsDir: 'RUNS_DIR',
  dataDir: 'DATA_DIR',
  concurrency: 'WORKER_CONCURRENCY',
  pollIntervalMs: 'WORKER_POLL_INTERVAL_MS',
  onCrash: 'WORKER_ON_CRASH',
  heartbeatIntervalMs: 'WORKER_HEARTBEAT_INTERVAL_MS',
  heartbeatTimeoutMs: 'WORKER_HEARTBEAT_TIMEOUT_MS',
  progressIntervalMs: 'WORKER_PROGRESS_INTERVAL_MS',
  cancelPollIntervalMs: 'WORKER_CANCEL_POLL_INTERVAL_MS',
  trainWorkers: 'TRAIN_WORKERS',
} as const;

/** Fills defaults and rejects values that would make the worker misbehave. */
export function resolveWorkerOptions(options: WorkerOptions, logger: Logger): ResolvedWorkerOptions {
  const resolved: ResolvedWorkerOptions = {
    databaseUrl: options.databaseUrl,
    runsDir: options.runsDir,
    dataDir: options.dataDir,
    concurrency: options.concurrency ?? WORKER_DEFAULTS.concurrency,
    pollIntervalMs: options.pollIntervalMs ?? WORKER_DEFAULTS.pollIntervalMs,
    onCrash: options.onCrash ?? WORKER_DEFAULTS.onCrash,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? WORKER_DEFAULTS.heartbeatIntervalMs,
    heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? WORKER_DEFAULTS.heartbeatTimeoutMs,
    progressIntervalMs: options.progressIntervalMs ?? WORKER_DEFAULTS.progressIntervalMs,
    cancelPollIntervalMs: options.cancelPollIntervalMs ?? WORKER_DEFAULTS.cancelPollIntervalMs,
    trainWorkers: options.trainWorkers ?? null,
    logger: options.logger ?? logger,
  };

  for (const key of ['databaseUrl', 'runsDir', 'dataDir'] as const) {
    if (!resolved[key]) throw new Error(`Missing worker option ${key}: pass it or set ${WORKER_ENV[key]}.`);
  }
  for (const key of ['concurrency', 'pollIntervalMs', 'heartbeatIntervalMs', 'heartbeatTimeoutMs', 'progressIntervalMs', 'cancelPollIntervalMs'] as const) {
    const value = resolved[key];
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new Error(`Invalid worker option ${key} ${value}: it must be a positive integer (env ${WORKER_ENV[key]}).`);
    }
  }
  if (resolved.trainWorkers !== null && (!Number.isSafeInteger(resolved.trainWorkers) || resolved.trainWorkers < 1)) {
    throw new Error(`Invalid worker option trainWorkers ${resolved.trainWorkers}: it must be a positive integer (env ${WORKER_ENV.trainWorkers}).`);
  }
  parseCrashPolicy(resolved.onCrash);
  if (resolved.heartbeatTimeoutMs < 3 * resolved.heartbeatIntervalMs) {
    throw new Error(
      `Invalid worker options: heartbeatTimeoutMs ${resolved.heartbeatTimeoutMs} must be at least 3 times ` +
        `heartbeatIntervalMs ${resolved.heartbeatIntervalMs}, or one late heartbeat makes a live run look abandoned.`,
    );
  }
  return resolved;
}

export function parseCrashPolicy(value: string): CrashPolicy {
  if (value === 'resume' || value === 'fail') return value;
  throw new Error(`Invalid ${WORKER_ENV.onCrash} value "${value}": expected resume or fail.`);
}

/** Reads the worker options set in `env`; unset variables are left out so defaults apply. */
export function workerOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<WorkerOptions> {
  const options: { -readonly [K in keyof WorkerOptions]?: WorkerOptions[K] } = {};
  if (env[WORKER_ENV.databaseUrl]) options.databaseUrl = env[WORKER_ENV.databaseUrl];
  if (env[WORKER_ENV.runsDir]) options.runsDir = env[WORKER_ENV.runsDir];
  if (env[WORKER_ENV.dataDir]) options.dataDir = env[WORKER_ENV.dataDir];
  if (env[WORKER_ENV.onCrash]) options.onCrash = parseCrashPolicy(env[WORKER_ENV.onCrash]!);
  for (const key of ['concurrency', 'pollIntervalMs', 'heartbeatIntervalMs', 'heartbeatTimeoutMs', 'progressIntervalMs', 'cancelPollIntervalMs'] as const) {
    const text = env[WORKER_ENV[key]];
    if (text) options[key] = parseInteger(text, WORKER_ENV[key]);
  }
  if (env[WORKER_ENV.trainWorkers]) options.trainWorkers = parseInteger(env[WORKER_ENV.trainWorkers]!, WORKER_ENV.trainWorkers);
  return options;
}

export function parseInteger(text: string, name: string): number {
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value)) {
    throw new Error(`Invalid ${name} "${text}": expected a positive integer.`);
  }
  return value;
}
