/**
 * The training job worker: claims runs queued by the API's startTraining, trains them,
 * records checkpoints, metrics and progress, embeds the data set and writes the embeddings.
 * Start it in-process with `startWorker` or as `trainer worker` on the command line.
 */
export { startWorker, type WorkerHandle } from './worker';
export { WORKER_DEFAULTS, WORKER_ENV, workerOptionsFromEnv, parseCrashPolicy, type WorkerOptions } from './options';
export {
  datasetDir,
  InvalidTrainingConfigError,
  TRAINING_CONFIG_DEFAULTS,
  validateTrainingConfig,
  type TrainingJobConfig,
  type ValidateTrainingConfigOptions,
} from './config';
export { claimNextRun, type ClaimedRun } from './claim';
export { recoverAbandonedRuns, type CrashPolicy, type RecoveredRun } from './recovery';
export type { RunProgress } from './progress-reporter';
