import { Arg, Args, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';

import type { ApiContext } from '../context';
import { ApiError } from '../errors/api-error';
import { ApiErrorCode } from '../errors/error-code';
import { IdArgs } from '../inputs/id.args';
import { StartTrainingInput } from '../inputs/start-training.input';
import { RunStatus } from '../types/enums';
import type { TrainingRunRow } from '../types/rows';
import { TrainingRun } from '../types/training-run.type';

const ADMIN_TOKEN_NOTE = 'Requires the admin token as `Authorization: Bearer <token>`.';

/** The mutations that queue and cancel training runs; the trainer's worker executes them. */
@Resolver()
export class TrainingControlResolver {
  @Authorized()
  @Mutation(() => TrainingRun, { description: ADMIN_TOKEN_NOTE })
  async startTraining(
    @Arg('input', () => StartTrainingInput) input: StartTrainingInput,
    @Ctx() context: ApiContext,
  ): Promise<TrainingRunRow> {
    const dataset = await context.db.dataset.findUnique({ where: { name: input.datasetName } });
    if (!dataset) {
      const names = (await context.loaders.allDatasets()).values();
      const known = [...names].map((row) => row.name).join(', ') || 'none yet';
      throw new ApiError(
        ApiErrorCode.NOT_FOUND,
        `Data set "${input.datasetName}" not found. Registered data sets: ${known}.`,
        { datasetName: input.datasetName },
      );
    }
    if (input.checkpointEvery > input.epochs) {
      throw new ApiError(
        ApiErrorCode.BAD_USER_INPUT,
        `Invalid checkpointEvery ${input.checkpointEvery}: it must be <= epochs (${input.epochs}).`,
      );
    }
    if (input.subsetSize != null) {
      const trainCount = await context.db.image.count({ where: { datasetId: dataset.id, split: 'train' } });
      if (input.subsetSize > trainCount) {
        throw new ApiError(
          ApiErrorCode.BAD_USER_INPUT,
          `Invalid subsetSize ${input.subsetSize}: data set "${dataset.name}" has ${trainCount} training images.`,
        );
      }
    }

    // The worker reads this object back as the run's configuration, so it stores every
    // field of the input, defaults included.
    const config = {
      datasetName: dataset.name,
      preset: input.preset,
      epochs: input.epochs,
      batchSize: input.batchSize,
      learningRate: input.learningRate,
      alpha: input.alpha,
      beta: input.beta,
      gamma: input.gamma,
      embeddingDim: input.embeddingDim,
      subsetSize: input.subsetSize ?? null,
      seed: input.seed,
      checkpointEvery: input.checkpointEvery,
      backend: input.backend ?? null,
    };
    const run = await context.db.trainingRun.create({
      data: {
        datasetId: dataset.id,
        status: RunStatus.QUEUED,
        config,
        preset: input.preset,
        embeddingDim: input.embeddingDim,
        backend: input.backend ?? null,
      },
    });
    context.logger.info({ runId: run.id, dataset: dataset.name, config }, 'training run queued');
    return run;
  }

  /**
   * Cancels a queued run at once. For a running run it sets cancel_requested, and the worker
   * marks the run cancelled when it sees the flag. Each step is one conditional UPDATE, so a
   * worker claiming the run between the two steps cannot be missed.
   */
  @Authorized()
  @Mutation(() => TrainingRun)
  async cancelTraining(@Args(() => IdArgs) { id }: IdArgs, @Ctx() context: ApiContext): Promise<TrainingRunRow> {
    const cancelledQueued = await context.db.trainingRun.updateMany({
      where: { id, status: RunStatus.QUEUED },
      data: { status: RunStatus.CANCELLED, cancelRequested: true, finishedAt: new Date() },
    });
    if (cancelledQueued.count === 0) {
      await context.db.trainingRun.updateMany({
        where: { id, status: { in: [RunStatus.RUNNING, RunStatus.EMBEDDING] } },
        data: { cancelRequested: true },
      });
    }

    const run = await context.db.trainingRun.findUnique({ where: { id } });
    if (!run) {
      throw new ApiError(ApiErrorCode.NOT_FOUND, `Training run ${id} not found.`, { runId: id });
    }
    if (run.status === RunStatus.COMPLETED || run.status === RunStatus.FAILED) {
      throw new ApiError(
        ApiErrorCode.CONFLICT,
        `Training run ${id} is already ${run.status}; only queued or running runs can be cancelled.`,
        { runId: id, status: run.status },
      );
    }
    context.logger.info({ runId: id, status: run.status, cancelRequested: run.cancelRequested }, 'training run cancel requested');
    return run;
  }
}
