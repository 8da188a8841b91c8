// Deep imports: the package index loads TensorFlow.js, which the API does not need.
import { BACKEND_CHOICES } from '@dim/dim-model/src/backend/types';
import { PRESETS } from '@dim/dim-model/src/presets';
import { IsIn, IsOptional, Matches, Max, MaxLength, Min } from 'class-validator';
import { Field, Float, InputType, Int } from 'type-graphql';

import { TRAINING_LIMITS } from './limits';

/**
 * Configuration of a new training run. The defaults are the DIM paper's CIFAR-10 settings
 * (alpha 0.5, beta 1, gamma 0.1, Adam at 1e-4) with a short run of two epochs.
 */
@InputType()
export class StartTrainingInput {
  @Field(() => String, { defaultValue: 'cifar10' })
  @MaxLength(64, { message: 'datasetName must be at most 64 characters' })
  @Matches(/^[a-z0-9][a-z0-9-]*$/, { message: 'datasetName must be a registered data set name such as "cifar10"' })
  datasetName!: string;

  @Field(() => String, { defaultValue: 'paper' })
  @IsIn(Object.keys(PRESETS), { message: `preset must be one of ${Object.keys(PRESETS).join(', ')}` })
  preset!: string;

  @Field(() => Int, { defaultValue: 2 })
  @Min(1, { message: 'epochs must be >= 1' })
  @Max(TRAINING_LIMITS.maxEpochs, { message: `epochs must be <= ${TRAINING_LIMITS.maxEpochs}` })
  epochs!: number;

  @Field(() => Int, { defaultValue: 64 })
  @Min(TRAINING_LIMITS.minBatchSize, {
    message: `batchSize must be >= ${TRAINING_LIMITS.minBatchSize} because DIM takes negative samples from the rest of the batch`,
  })
  @Max(TRAINING_LIMITS.maxBatchSize, { message: `batchSize must be <= ${TRAINING_LIMITS.maxBatchSize}` })
  batchSize!: number;

  @Field(() => Float, { defaultValue: 0.0001 })
  @Min(Number.MIN_VALUE, { message: 'learningRate must be > 0' })
  @Max(TRAINING_LIMITS.maxLearningRate, { message: `learningRate must be <= ${TRAINING_LIMITS.maxLearningRate}` })
  learningRate!: number;

  @Field(() => Float, { defaultValue: 0.5 })
  @Min(0, { message: 'alpha must be >= 0' })
  @Max(TRAINING_LIMITS.maxLossWeight, { message: `alpha must be <= ${TRAINING_LIMITS.maxLossWeight}` })
  alpha!: number;

  @Field(() => Float, { defaultValue: 1 })
  @Min(0, { message: 'beta must be >= 0' })
  @Max(TRAINING_LIMITS.maxLossWeight, { message: `beta must be <= ${TRAINING_LIMITS.maxLossWeight}` })
  beta!: number;

  @Field(() => Float, { defaultValue: 0.1 })
  @Min(0, { message: 'gamma must be >= 0' })
  @Max(TRAINING_LIMITS.maxLossWeight, { message: `gamma must be <= ${TRAINING_LIMITS.maxLossWeight}` })
  gamma!: number;

  @Field(() => Int, { defaultValue: 64 })
  @Min(1, { message: 'embeddingDim must be >= 1' })
  @Max(TRAINING_LIMITS.maxEmbeddingDim, {
    message: `embeddingDim must be <= ${TRAINING_LIMITS.maxEmbeddingDim}, the largest vector pgvector's HNSW index accepts`,
  })
  embeddingDim!: number;

  /** Checked against the data set's train split size by the resolver. */
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(1, { message: 'subsetSize must be >= 1' })
  subsetSize?: number | null;

  @Field(() => Int, { defaultValue: 1 })
  @Min(0, { message: 'seed must be >= 0' })
  seed!: number;

  /** Checked against epochs by the resolver. */
  @Field(() => Int, { defaultValue: 1 })
  @Min(1, { message: 'checkpointEvery must be >= 1' })
  checkpointEvery!: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsIn([...BACKEND_CHOICES], { message: `backend must be one of ${BACKEND_CHOICES.join(', ')}` })
  backend?: string | null;
}
