/**
 * TypeScript shapes of the GraphQL types in apps/api/schema.graphql. DateTime values
 * arrive as ISO 8601 strings. Each query document selects a subset of these fields and
 * declares its own result interface with `Pick`.
 */

export type Split = 'TRAIN' | 'TEST';

export type RunStatus = 'QUEUED' | 'RUNNING' | 'EMBEDDING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';

export interface Dataset {
  id: number;
  name: string;
  classNames: string[];
  height: number;
  width: number;
  channels: number;
  trainCount: number;
  testCount: number;
}

export interface Image {
  id: number;
  dataset: Pick<Dataset, 'id' | 'name'>;
  split: Split;
  indexInSplit: number;
  label: number;
  labelName: string;
  /** Relative URL of the PNG on the API origin, e.g. /images/123.png. */
  url: string;
}

export interface ImagePage {
  items: Image[];
  totalCount: number;
  offset: number;
  limit: number;
}

export interface ImageFilter {
  datasetId?: number | null;
  split?: Split | null;
  label?: number | null;
}

export interface PageInput {
  offset: number;
  /** 1..200 */
  limit: number;
}

export interface Neighbour {
  image: Image;
  /** L2 distance between the query's and this image's embeddings. */
  distance: number;
}

export interface EpochMetric {
  epoch: number;
  totalLoss: number;
  localLoss: number;
  globalLoss: number;
  priorLoss: number;
  discriminatorLoss: number;
  imagesPerSecond: number;
  durationSeconds: number;
}

export interface RunProgress {
  epoch: number;
  epochs: number;
  step: number;
  stepsPerEpoch: number;
  /** 0..1 over the whole run, training and embedding. */
  fraction: number;
  totalLoss: number | null;
  localLoss: number | null;
  globalLoss: number | null;
  priorLoss: number | null;
  imagesPerSecond: number | null;
  etaSeconds: number | null;
  updatedAt: string;
}

export interface RetrievalMetrics {
  knn20Accuracy: number;
  knn200Accuracy: number;
  precisionAt10: number;
  computedAt: string;
}

export interface TrainingConfig {
  datasetName: string;
  preset: string;
  epochs: number;
  batchSize: number;
  learningRate: number;
  alpha: number;
  beta: number;
  gamma: number;
  embeddingDim: number;
  /** Images used for training; null means the whole train split. */
  subsetSize: number | null;
  seed: number;
  checkpointEvery: number;
  backend: string | null;
}

export interface Checkpoint {
  epoch: number;
  step: number;
  path: string;
  createdAt: string;
}

export interface TrainingRun {
  id: number;
  status: RunStatus;
  config: TrainingConfig;
  dataset: Pick<Dataset, 'id' | 'name'>;
  /** TF.js backend the worker ran on, e.g. "wasm" or "tensorflow". */
  backend: string | null;
  embeddingDim: number;
  progress: RunProgress | null;
  metrics: EpochMetric[];
  checkpoints: Checkpoint[];
  retrieval: RetrievalMetrics | null;
  embeddingCount: number;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationSeconds: number | null;
}

/** Input of the startTraining mutation; omitted fields take the server's defaults. */
export interface StartTrainingInput {
  datasetName: string;
  preset: string;
  epochs: number;
  batchSize: number;
  learningRate: number;
  alpha: number;
  beta: number;
  gamma: number;
  embeddingDim: number;
  subsetSize: number | null;
  seed: number;
  checkpointEvery: number;
  backend: string | null;
}
