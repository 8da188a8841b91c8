/** Messages between the parallel trainer (main thread) and its replica workers. */
import type { BackendInfo } from '../backend';
import type { CheckpointManifest, CheckpointProgress } from '../checkpoint';
import type { DimConfig } from '../config';

/** Serialised model state as `serializeModel` returns it. */
export interface SerializedState {
  readonly manifest: CheckpointManifest;
  readonly weights: Uint8Array;
}

/** Failure that a test injects into one replica, to check that the trainer fails cleanly. */
export interface FaultInjection {
  readonly workerIndex: number;
  /** Replica step (0-based) at whose gradient computation the fault happens. */
  readonly atStep: number;
  /** 'throw' raises an error in the step; 'exit' ends the worker thread with exit code 3. */
  readonly kind: 'throw' | 'exit';
}

export interface ReplicaWorkerData {
  readonly workerIndex: number;
  readonly backend: 'wasm' | 'cpu';
  /** Build the replica from this config (weights from its seed) unless `state` is given. */
  readonly config: Partial<DimConfig>;
  readonly state?: SerializedState;
  readonly faultInjection?: FaultInjection;
}

export type ReplicaRequest =
  | {
      readonly type: 'compute';
      readonly id: number;
      /** Float32 NHWC images of this replica's slice. */
      readonly images: Float32Array;
      readonly sliceSize: number;
      readonly firstMicroBatchIndex: number;
      readonly microBatchSize?: number;
      /** Shared buffer of every replica's region; this replica writes region `workerIndex`. */
      readonly regions: SharedArrayBuffer;
    }
  | { readonly type: 'apply'; readonly id: number; readonly averaged: SharedArrayBuffer }
  | { readonly type: 'save'; readonly id: number; readonly dir: string; readonly progress: CheckpointProgress }
  | { readonly type: 'load'; readonly id: number; readonly dir: string }
  | { readonly type: 'state'; readonly id: number }
  | { readonly type: 'embed'; readonly id: number; readonly images: Float32Array; readonly count: number; readonly batchSize?: number };

export type ReplicaReply =
  | { readonly type: 'ready'; readonly backend: BackendInfo; readonly layoutSignature: string; readonly layoutLength: number; readonly config: DimConfig }
  | { readonly type: 'done'; readonly id: number; readonly result?: unknown }
  | { readonly type: 'failed'; readonly id: number | null; readonly message: string; readonly stack?: string };

/** A request before the trainer numbers it. */
export type ReplicaRequestBody = ReplicaRequest extends infer Request ? (Request extends unknown ? Omit<Request, 'id'> : never) : never;
