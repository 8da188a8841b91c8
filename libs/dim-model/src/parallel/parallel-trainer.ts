/**
 * Synchronous data-parallel DIM training on worker threads, for the WASM and CPU backends,
 * which compute on one core each under Node.
 *
 * Every worker has a full replica: same config, weights (built from the seed, or copied once
 * from a given model) and Adam state. A step splits the batch into one slice per worker. Each
 * replica computes the gradients of both games (encoder and MI discriminators, and the prior
 * discriminator) on its slice with `computeStepGradients` and writes them into a
 * SharedArrayBuffer. The trainer averages them weighted by slice size, and every replica
 * applies that same averaged update with its own Adam. Replicas therefore stay bit-identical
 * without shipping weights, given that they run the same backend code on the same values.
 *
 * What differs from one `trainStep` over the whole batch:
 * - MI marginal pairs (the M' derangement) and batch-norm statistics come from within a slice,
 *   as with `microBatchSize` equal to the slice size.
 * - Batch-norm moving statistics: each replica updates them from its slice, and the trainer
 *   replaces them on every replica by the slice-size-weighted mean. Because the update is
 *   linear (moving = 0.9 moving + 0.1 slice statistic), that equals one update with the mean
 *   of the slice statistics. The mean matches the batch mean exactly. The variance misses the
 *   spread between slice means, so it is slightly below the whole batch's.
 * - Prior samples are drawn per slice from (seed, step, micro-batch index), so the same seed,
 *   batch and slices give the same run.
 */
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

import type { BackendInfo, BackendName, LogFn } from '../backend';
import { deserializeModel, serializeModel, type CheckpointProgress } from '../checkpoint';
import type { DimConfig } from '../config';
import { flopsPerImage } from '../flops';
import type { PresetName } from '../presets';
import { disposeModel, type DimModel } from '../model';
import { splitIntoMicroBatches, type StepLosses } from '../training-step';
import type { FaultInjection, ReplicaReply, ReplicaRequestBody, ReplicaWorkerData, SerializedState } from './protocol';
import { splitBatchAcrossWorkers } from './slices';
import { LOSS_COUNT } from './state-layout';

/** Backends whose replicas can run in worker threads. */
export type ParallelBackend = Extract<BackendName, 'wasm' | 'cpu'>;

export interface ParallelTrainerOptions {
  readonly backend: ParallelBackend;
  /** Number of replica workers; default `defaultWorkerCount(backend)`. */
  readonly workers?: number;
  /** Config of a new model; ignored when `model` is given. */
  readonly config?: Partial<DimConfig>;
  /** Model whose whole state (weights, moving statistics, Adam state, step) the replicas start from. */
  readonly model?: DimModel;
  /** Largest number of images per forward/backward pass inside one replica; default its whole slice. */
  readonly microBatchSize?: number;
  /** Receives one line when the replicas are ready. Default: no logging. */
  readonly log?: LogFn;
  /** Makes one replica fail, for tests of the failure handling. */
  readonly faultInjection?: FaultInjection;
}

export interface ParallelTrainer {
  readonly workers: number;
  readonly config: DimConfig;
  readonly backend: BackendInfo;
  /** Trains one step on `batchSize` float32 NHWC images in [-1, 1]; returns the losses before the update. */
  step(images: Float32Array, batchSize: number): Promise<StepLosses>;
  /** Writes replica 0's state with `saveCheckpoint`, so `loadCheckpoint` can resume it in one process. */
  save(dir: string, progress: CheckpointProgress): Promise<void>;
  /** Loads a `saveCheckpoint` folder into every replica; returns its progress. */
  load(dir: string): Promise<CheckpointProgress>;
  /** Embeds `count` images on replica 0; returns the row-major [count, embeddingDim] embedding. */
  embed(images: Float32Array, count: number, batchSize?: number): Promise<Float32Array>;
  /** Serialised state of every replica, for checks that they agree. */
  replicaStates(): Promise<SerializedState[]>;
  /** Copies replica 0's whole state into `model` (same config), e.g. before saving it in the caller's thread. */
  copyStateInto(model: DimModel): Promise<void>;
  /** Terminates every worker. Pending and later calls reject. */
  dispose(): Promise<void>;
}

/**
 * Training FLOPs per image above which replicas pay off. Measured on 2 cores (npm run bench,
 * docs/benchmarks.md): the reference preset (7.3 GFLOP per image) trained 1.65 times faster on
 * 2 WASM workers, while the paper preset (0.13 GFLOP) trained 14% slower, because gradient
 * exchange and smaller slices cost more than its short steps save.
 */
const PARALLEL_MIN_TRAINING_FLOPS = 1e9;

/**
 * Returns `os.availableParallelism()` for WASM and CPU, which compute on one core each, when a
 * training step is heavy enough to gain from replicas (see PARALLEL_MIN_TRAINING_FLOPS), else 1.
 */
export function defaultWorkerCount(backend: BackendName, preset?: PresetName): number {
  if (backend !== 'wasm' && backend !== 'cpu') return 1;
  if (preset !== undefined && flopsPerImage(preset).trainingStep < PARALLEL_MIN_TRAINING_FLOPS) return 1;
  return os.availableParallelism();
}

const ENTRY = path.join(__dirname, 'replica-worker-entry.js');

interface PendingRequest {
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: Error) => void;
  /** Whether a failure of this request leaves the replicas out of step, so no further step may run. */
  readonly breaksSync: boolean;
}

/** One worker thread and its requests in flight. */
class Replica {
  readonly worker: Worker;
  readonly ready: Promise<Extract<ReplicaReply, { type: 'ready' }>>;
  private readonly pending = new Map<number, PendingRequest>();
  private nextId = 0;
  private exiting = false;

  constructor(
    readonly index: number,
    workerData: ReplicaWorkerData,
    private readonly onFatal: (error: Error) => void,
  ) {
    this.worker = new Worker(ENTRY, { workerData });
    this.ready = new Promise((resolve, reject) => {
      this.worker.on('message', (reply: ReplicaReply) => {
        if (reply.type === 'ready') resolve(reply);
        else if (reply.type === 'failed' && reply.id === null) reject(this.error(reply.message, reply.stack, 'failed to start'));
        else this.settle(reply);
      });
      this.worker.on('error', (error) => {
        const failure = this.error(error.message, error.stack);
        reject(failure);
        this.onFatal(failure);
      });
      this.worker.on('exit', (code) => {
        if (this.exiting) return;
        const failure = new Error(`Replica worker ${this.index} exited unexpectedly with code ${code}; the run cannot continue, so resume it from its last checkpoint.`);
        reject(failure);
        this.onFatal(failure);
      });
    });
    // A start failure is reported through `ready`; this keeps it from also being unhandled.
    this.ready.catch(() => undefined);
  }

  request(message: ReplicaRequestBody, breaksSync: boolean, transfer: ArrayBuffer[] = []): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, breaksSync });
      this.worker.postMessage({ ...message, id }, transfer);
    });
  }

  rejectAll(error: Error): void {
    for (const request of this.pending.values()) request.reject(error);
    this.pending.clear();
  }

  async terminate(): Promise<void> {
    this.exiting = true;
    await this.worker.terminate();
  }

  private settle(reply: Exclude<ReplicaReply, { type: 'ready' }>): void {
    if (reply.id === null) return;
    const request = this.pending.get(reply.id);
    if (request === undefined) return;
    this.pending.delete(reply.id);
    if (reply.type === 'done') {
      request.resolve(reply.result);
      return;
    }
    const failure = this.error(reply.message, reply.stack);
    request.reject(failure);
    if (request.breaksSync) this.onFatal(failure);
  }

  private error(message: string, stack?: string, event = 'failed'): Error {
    const error = new Error(`Replica worker ${this.index} ${event}: ${message}`);
    if (stack !== undefined) error.stack = `${error.message}\nWorker stack: ${stack}`;
    return error;
  }
}

/** Starts the replica workers and resolves once all of them have built their model. */
export async function createParallelTrainer(options: ParallelTrainerOptions): Promise<ParallelTrainer> {
  const { backend } = options;
  if (backend !== 'wasm' && backend !== 'cpu') {
    throw new Error(
      `Invalid backend ${JSON.stringify(backend)} for parallel training: use 'wasm' or 'cpu'. Native TensorFlow backends already use every core, so train them with one worker.`,
    );
  }
  const workers = options.workers ?? defaultWorkerCount(backend, options.model?.config.preset ?? options.config?.preset);
  if (!Number.isInteger(workers) || workers < 1) {
    throw new Error(`Invalid worker count ${workers}: expected an integer of at least 1.`);
  }
  if (options.microBatchSize !== undefined) splitIntoMicroBatches(options.microBatchSize, options.microBatchSize);

  const state = options.model === undefined ? undefined : await serializeModel(options.model, { epoch: 0, step: 0 });
  const trainer = new WorkerParallelTrainer(workers, options, state);
  try {
    await trainer.start();
  } catch (error) {
    await trainer.dispose();
    throw error;
  }
  const { name, simd, threads } = trainer.backend;
  const details = name === 'wasm' ? ` (SIMD ${simd ? 'on' : 'off'}, ${threads} thread(s) each)` : '';
  options.log?.('info', `Training on ${workers} ${name === 'wasm' ? 'WASM' : 'CPU'} worker${workers === 1 ? '' : 's'}${details}.`);
  return trainer;
}

class WorkerParallelTrainer implements ParallelTrainer {
  private readonly replicas: Replica[];
  private failure: Error | null = null;
  private disposed = false;
  /** Serialises public calls, because each one is a sequence of requests to every replica. */
  private queue: Promise<unknown> = Promise.resolve();
  private layoutLength = 0;
  private regions!: SharedArrayBuffer;
  private averaged!: SharedArrayBuffer;
  config!: DimConfig;
  backend!: BackendInfo;

  constructor(
    readonly workers: number,
    private readonly options: ParallelTrainerOptions,
    state: SerializedState | undefined,
  ) {
    this.replicas = Array.from(
      { length: workers },
      (_, index) =>
        new Replica(
          index,
          {
            workerIndex: index,
            backend: options.backend,
            config: options.config ?? {},
            ...(state === undefined ? {} : { state }),
            ...(options.faultInjection === undefined ? {} : { faultInjection: options.faultInjection }),
          },
          (error) => this.fail(error),
        ),
    );
  }

  async start(): Promise<void> {
    const ready = await Promise.all(this.replicas.map((replica) => replica.ready));
    const [first] = ready;
    for (const [index, reply] of ready.entries()) {
      if (reply.layoutSignature !== first.layoutSignature) {
        throw new Error(`Replica worker ${index} built a model whose variables differ from replica 0's; every replica must use the same config.`);
      }
    }
    this.config = first.config;
    this.backend = first.backend;
    this.layoutLength = first.layoutLength;
    this.regions = new SharedArrayBuffer(this.workers * this.layoutLength * Float32Array.BYTES_PER_ELEMENT);
    this.averaged = new SharedArrayBuffer(this.layoutLength * Float32Array.BYTES_PER_ELEMENT);
  }

  step(images: Float32Array, batchSize: number): Promise<StepLosses> {
    return this.exclusive(async () => {
      const [height, width, channels] = this.config.inputShape;
      const imageSize = height * width * channels;
      if (images.length !== batchSize * imageSize) {
        throw new Error(
          `Invalid batch: ${images.length} values for ${batchSize} images of ${height}x${width}x${channels}; expected ${batchSize * imageSize}.`,
        );
      }
      const sizes = splitBatchAcrossWorkers(batchSize, this.workers);

      let firstImage = 0;
      let firstMicroBatchIndex = 0;
      const computed = sizes.map((sliceSize, index) => {
        const slice = images.slice(firstImage * imageSize, (firstImage + sliceSize) * imageSize);
        const request = this.replicas[index].request(
          {
            type: 'compute',
            images: slice,
            sliceSize,
            firstMicroBatchIndex,
            ...(this.options.microBatchSize === undefined ? {} : { microBatchSize: this.options.microBatchSize }),
            regions: this.regions,
          },
          true,
          [slice.buffer],
        );
        firstImage += sliceSize;
        firstMicroBatchIndex += splitIntoMicroBatches(sliceSize, this.options.microBatchSize ?? sliceSize).length;
        return request;
      });
      await Promise.all(computed);

      const averaged = this.averageRegions(sizes.map((size) => size / batchSize));
      // Every replica applies the update, including any that had no slice of a small batch.
      await Promise.all(this.replicas.map((replica) => replica.request({ type: 'apply', averaged: this.averaged }, true)));

      const [total, local, global, prior, discriminator] = averaged.subarray(this.layoutLength - LOSS_COUNT);
      return { total, local, global, prior, discriminator };
    });
  }

  save(dir: string, progress: CheckpointProgress): Promise<void> {
    return this.exclusive(async () => {
      await this.replicas[0].request({ type: 'save', dir, progress }, false);
    });
  }

  load(dir: string): Promise<CheckpointProgress> {
    return this.exclusive(async () => {
      const results = await Promise.all(this.replicas.map((replica) => replica.request({ type: 'load', dir }, true)));
      return results[0] as CheckpointProgress;
    });
  }

  embed(images: Float32Array, count: number, batchSize?: number): Promise<Float32Array> {
    return this.exclusive(async () => {
      const copy = images.slice();
      const request = { type: 'embed' as const, images: copy, count, ...(batchSize === undefined ? {} : { batchSize }) };
      return (await this.replicas[0].request(request, false, [copy.buffer])) as Float32Array;
    });
  }

  replicaStates(): Promise<SerializedState[]> {
    return this.exclusive(async () => {
      const states = await Promise.all(this.replicas.map((replica) => replica.request({ type: 'state' }, false)));
      return states as SerializedState[];
    });
  }

  copyStateInto(model: DimModel): Promise<void> {
    return this.exclusive(async () => {
      const state = (await this.replicas[0].request({ type: 'state' }, false)) as SerializedState;
      copySerializedState(state, model);
    });
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const error = new Error('The parallel trainer was disposed.');
    for (const replica of this.replicas) replica.rejectAll(error);
    await Promise.all(this.replicas.map((replica) => replica.terminate()));
  }

  /** Writes the weighted sum of the active replicas' regions into the shared `averaged` buffer and returns it. */
  private averageRegions(weights: readonly number[]): Float32Array {
    const length = this.layoutLength;
    const averaged = new Float32Array(this.averaged, 0, length);
    const sums = new Float64Array(length);
    for (const [index, weight] of weights.entries()) {
      const region = new Float32Array(this.regions, index * length * Float32Array.BYTES_PER_ELEMENT, length);
      for (let i = 0; i < length; i++) sums[i] += weight * region[i];
    }
    averaged.set(sums);
    return averaged;
  }

  /** Runs `operation` after the previous call finished, once no replica has failed. */
  private exclusive<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => {
      if (this.disposed) throw new Error('The parallel trainer was disposed; create a new one to continue training.');
      if (this.failure !== null) {
        throw new Error(`The parallel trainer stopped after a replica failed (${this.failure.message}); dispose it and resume from the last checkpoint.`);
      }
      return operation();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Records the first fatal failure, fails every pending request with it and stops the other workers. */
  private fail(error: Error): void {
    if (this.failure !== null || this.disposed) return;
    this.failure = error;
    for (const replica of this.replicas) replica.rejectAll(error);
    void Promise.all(this.replicas.map((replica) => replica.terminate()));
  }
}

/** Copies a serialised state into an existing model of the same config, through a temporary model. */
function copySerializedState(state: SerializedState, model: DimModel): void {
  const source = deserializeModel(state.manifest, state.weights);
  try {
    for (const [name, variable] of model.variables) {
      const value = source.variables.get(name);
      if (value === undefined) throw new Error(`Replica state has no variable "${name}": the model's config differs from the trainer's.`);
      variable.assign(value);
    }
    for (const [target, origin] of [
      [model.encoderOptimizer, source.encoderOptimizer],
      [model.priorOptimizer, source.priorOptimizer],
    ] as const) {
      for (const [name, moment] of target.firstMoments) moment.assign(origin.firstMoments.get(name)!);
      for (const [name, moment] of target.secondMoments) moment.assign(origin.secondMoments.get(name)!);
      target.iterations = origin.iterations;
    }
    model.stepCount = source.stepCount;
  } finally {
    disposeModel(source);
  }
}
