export {
  createParallelTrainer,
  defaultWorkerCount,
  type ParallelBackend,
  type ParallelTrainer,
  type ParallelTrainerOptions,
} from './parallel-trainer';
export type { FaultInjection, SerializedState } from './protocol';
export { MIN_SLICE_SIZE, splitBatchAcrossWorkers } from './slices';
