/** Input limits shared by the argument classes, the cost rule and the tests. */
export const INPUT_LIMITS = {
  /** Neighbours per query. Each one is a row the database sorts by distance and the API
   * returns with its image, so k bounds the work of one query. */
  maxK: 1000,
  /** Items per page, for the same reason as maxK. */
  maxPageSize: 200,
  /** OFFSET reads and discards every skipped row, so the offset is bounded too. */
  maxOffset: 1_000_000,
  /** Labels are stored as uint8 class indices. */
  maxLabel: 255,
} as const;

/** Bounds of a training run's configuration. */
export const TRAINING_LIMITS = {
  /** Bounds how long one queued run can hold the single worker. */
  maxEpochs: 1000,
  /** DIM draws its negative samples from the other images of the batch, so it needs two. */
  minBatchSize: 2,
  /** A batch of 32x32x3 float32 images and the encoder's activations must fit in worker memory. */
  maxBatchSize: 1024,
  /** pgvector builds HNSW indexes for vectors of at most 2,000 dimensions. */
  maxEmbeddingDim: 2000,
  /** Loss weights above this are almost certainly a typo (the DIM defaults are 0.5, 1 and 0.1). */
  maxLossWeight: 100,
  /** Adam diverges far below this; the DIM default is 1e-4. */
  maxLearningRate: 1,
} as const;

/** Defaults of the optional paging and neighbour arguments. */
export const INPUT_DEFAULTS = {
  k: 10,
  pageSize: 50,
} as const;
