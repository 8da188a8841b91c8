import { Field, Float, Int, ObjectType } from 'type-graphql';

import { Dataset } from './dataset.type';
import { RunStatus } from './enums';
import { DateTimeScalar } from './scalars';

@ObjectType()
export class TrainingConfig {
  @Field(() => String)
  datasetName!: string;

  @Field(() => String)
  preset!: string;

  @Field(() => Int)
  epochs!: number;

  @Field(() => Int)
  batchSize!: number;

  @Field(() => Float)
  learningRate!: number;

  @Field(() => Float)
  alpha!: number;

  @Field(() => Float)
  beta!: number;

  @Field(() => Float)
  gamma!: number;

  @Field(() => Int)
  embeddingDim!: number;

  @Field(() => Int, { nullable: true, description: 'Images used for training; null means the whole train split.' })
  subsetSize!: number | null;

  @Field(() => Int)
  seed!: number;

  @Field(() => Int)
  checkpointEvery!: number;

  @Field(() => String, { nullable: true })
  backend!: string | null;
}

@ObjectType()
export class RunProgress {
  @Field(() => Int)
  epoch!: number;

  @Field(() => Int)
  epochs!: number;

  @Field(() => Int)
  step!: number;

  @Field(() => Int)
  stepsPerEpoch!: number;

  @Field(() => Float, { description: '0..1 over the whole run, training and embedding.' })
  fraction!: number;

  @Field(() => Float, { nullable: true })
  totalLoss!: number | null;

  @Field(() => Float, { nullable: true })
  localLoss!: number | null;

  @Field(() => Float, { nullable: true })
  globalLoss!: number | null;

  @Field(() => Float, { nullable: true })
  priorLoss!: number | null;

  @Field(() => Float, { nullable: true })
  imagesPerSecond!: number | null;

  @Field(() => Float, { nullable: true })
  etaSeconds!: number | null;

  @Field(() => DateTimeScalar)
  updatedAt!: Date;
}

@ObjectType()
export class EpochMetric {
  @Field(() => Int)
  epoch!: number;

  @Field(() => Float)
  totalLoss!: number;

  @Field(() => Float)
  localLoss!: number;

  @Field(() => Float)
  globalLoss!: number;

  @Field(() => Float)
  priorLoss!: number;

  @Field(() => Float, { description: "Prior discriminator's own loss." })
  discriminatorLoss!: number;

  @Field(() => Float)
  imagesPerSecond!: number;

  @Field(() => Float)
  durationSeconds!: number;
}

@ObjectType()
export class RetrievalMetrics {
  @Field(() => Float, {
    description: 'kNN classification accuracy of the test split against the train split, k = 20, L2.',
  })
  knn20Accuracy!: number;

  @Field(() => Float)
  knn200Accuracy!: number;

  @Field(() => Float, { description: "Share of the 10 nearest neighbours that share the query's label." })
  precisionAt10!: number;

  @Field(() => DateTimeScalar)
  computedAt!: Date;
}

@ObjectType()
export class Checkpoint {
  @Field(() => Int)
  epoch!: number;

  @Field(() => Int)
  step!: number;

  @Field(() => String)
  path!: string;

  @Field(() => DateTimeScalar)
  createdAt!: Date;
}

/**
 * A training run. Resolvers return the database row (with `config`, `progress` and
 * `retrieval` already parsed from JSON); TrainingRunResolver resolves `dataset`, `metrics`
 * and `checkpoints` from `id` and `datasetId`.
 */
@ObjectType()
export class TrainingRun {
  @Field(() => Int)
  id!: number;

  datasetId!: number;

  @Field(() => RunStatus)
  status!: RunStatus;

  @Field(() => TrainingConfig)
  config!: TrainingConfig;

  @Field(() => Dataset)
  dataset?: Dataset;

  @Field(() => String, { nullable: true, description: 'TF.js backend the worker ran on, e.g. "wasm" or "tensorflow".' })
  backend!: string | null;

  @Field(() => Int)
  embeddingDim!: number;

  @Field(() => RunProgress, { nullable: true })
  progress!: RunProgress | null;

  @Field(() => [EpochMetric])
  metrics?: EpochMetric[];

  @Field(() => [Checkpoint])
  checkpoints?: Checkpoint[];

  @Field(() => RetrievalMetrics, { nullable: true })
  retrieval!: RetrievalMetrics | null;

  @Field(() => Int)
  embeddingCount!: number;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  startedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => Float, { nullable: true })
  durationSeconds?: number | null;
}
