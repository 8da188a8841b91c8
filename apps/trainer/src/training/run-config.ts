import type { DatasetName } from '@dim/dataset';
import type { DimConfig } from '@dim/dim-model';

/** Subset of the train split used for training, or null for the whole split. */
export type SubsetSpec = { readonly total: number } | { readonly perClass: number } | null;

/** Everything that defines a training run, stored as config.json in the run folder. */
export interface RunConfig {
  readonly dataset: {
    readonly name: DatasetName;
    /** Absolute data folder used when the run started. */
    readonly dir: string;
    readonly subset: SubsetSpec;
    /** Number of training images after the subset is applied. */
    readonly imageCount: number;
  };
  /** Model and optimiser settings passed to createDimModel, including the seed. */
  readonly model: DimConfig;
  readonly training: {
    readonly epochs: number;
    readonly batchSize: number;
    /** Seed of the batch order; equal to model.seed. */
    readonly seed: number;
    readonly checkpointEveryEpochs: number;
    /** 0 keeps every checkpoint. */
    readonly keepCheckpoints: number;
    readonly microBatchSize?: number;
  };
  readonly createdAt: string;
}
