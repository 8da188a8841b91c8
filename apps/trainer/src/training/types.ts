/** The five loss terms that one DIM training step reports. */
export interface LossValues {
  readonly total: number;
  readonly local: number;
  readonly global: number;
  readonly prior: number;
  readonly discriminator: number;
}

export const LOSS_NAMES = ['total', 'local', 'global', 'prior', 'discriminator'] as const;

/** Running sums over the steps of the epoch in progress. */
export interface EpochAccumulator {
  readonly steps: number;
  readonly images: number;
  /** Wall-clock seconds spent in those steps, including batch preparation. */
  readonly seconds: number;
  readonly lossSums: LossValues;
}

/**
 * Position in a training run, stored with every checkpoint. `epoch` counts finished
 * epochs, and `step` counts the steps finished in the next one, so the end of the second
 * epoch is { epoch: 2, step: 0 }.
 */
export interface LoopState {
  readonly epoch: number;
  readonly step: number;
  /** Steps finished over the whole run. */
  readonly globalStep: number;
  /** Sums of the unfinished epoch, so a run resumed mid-epoch reports the whole epoch. */
  readonly partial: EpochAccumulator;
}

/** One finished epoch in metrics.json. */
export interface EpochMetrics {
  /** 1-based. */
  readonly epoch: number;
  readonly steps: number;
  readonly images: number;
  readonly seconds: number;
  readonly imagesPerSecond: number;
  /** Mean of each loss term over the epoch's steps. */
  readonly losses: LossValues;
  readonly finishedAt: string;
}

/** One line of steps.jsonl. */
export interface StepRecord {
  /** 1-based epoch and step within it. */
  readonly epoch: number;
  readonly step: number;
  readonly globalStep: number;
  readonly images: number;
  readonly seconds: number;
  readonly losses: LossValues;
}

export function zeroLosses(): LossValues {
  return { total: 0, local: 0, global: 0, prior: 0, discriminator: 0 };
}

export function emptyAccumulator(): EpochAccumulator {
  return { steps: 0, images: 0, seconds: 0, lossSums: zeroLosses() };
}

/** Returns the state at the very start of a run. */
export function initialLoopState(): LoopState {
  return { epoch: 0, step: 0, globalStep: 0, partial: emptyAccumulator() };
}
