import { Arg, Args, Ctx, FieldResolver, Float, Query, Resolver, Root } from 'type-graphql';

import type { ApiContext } from '../context';
import { IdArgs } from '../inputs/id.args';
import { INPUT_DEFAULTS } from '../inputs/limits';
import { PageInput } from '../inputs/page.input';
import type { DatasetRow } from '../db/dataset-cache';
import { parseRetrievalMetrics, parseRunProgress, parseTrainingConfig } from '../mappers/run-json.mapper';
import { pageSize, perItemCost, UNSIZED_LIST_ESTIMATE } from '../plugins/query-cost';
import { Dataset } from '../types/dataset.type';
import { RunStatus } from '../types/enums';
import type { TrainingRunRow } from '../types/rows';
import {
  Checkpoint,
  EpochMetric,
  RetrievalMetrics,
  RunProgress,
  TrainingConfig,
  TrainingRun,
} from '../types/training-run.type';

@Resolver(() => TrainingRun)
export class TrainingRunResolver {
  /** The newest runs first. The page argument is optional and extends the agreed contract. */
  @Query(() => [TrainingRun], { complexity: perItemCost(pageSize) })
  trainingRuns(
    @Arg('page', () => PageInput, {
      nullable: true,
      description: 'Newest runs first; defaults to the first page of 50.',
    })
    page: PageInput | null | undefined,
    @Ctx() context: ApiContext,
  ): Promise<TrainingRunRow[]> {
    return context.db.trainingRun.findMany({
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      skip: page?.offset ?? 0,
      take: page?.limit ?? INPUT_DEFAULTS.pageSize,
    });
  }

  @Query(() => TrainingRun, { nullable: true })
  trainingRun(@Args(() => IdArgs) { id }: IdArgs, @Ctx() context: ApiContext): Promise<TrainingRunRow | null> {
    return context.db.trainingRun.findUnique({ where: { id } });
  }

  @FieldResolver(() => TrainingConfig)
  async config(@Root() run: TrainingRunRow, @Ctx() context: ApiContext): Promise<TrainingConfig> {
    const dataset = await context.loaders.dataset(run.datasetId);
    return parseTrainingConfig(run.id, run.config, {
      datasetName: dataset.name,
      preset: run.preset,
      embeddingDim: run.embeddingDim,
      backend: run.backend,
    });
  }

  @FieldResolver(() => Dataset)
  dataset(@Root() run: TrainingRunRow, @Ctx() context: ApiContext): Promise<DatasetRow> {
    return context.loaders.dataset(run.datasetId);
  }

  @FieldResolver(() => RunProgress, { nullable: true })
  progress(@Root() run: TrainingRunRow): RunProgress | null {
    return parseRunProgress(run.id, run.progress);
  }

  @FieldResolver(() => RetrievalMetrics, { nullable: true })
  retrieval(@Root() run: TrainingRunRow): RetrievalMetrics | null {
    return parseRetrievalMetrics(run.id, run.retrieval, run.finishedAt);
  }

  @FieldResolver(() => [EpochMetric], { complexity: perItemCost(() => UNSIZED_LIST_ESTIMATE) })
  metrics(@Root() run: TrainingRunRow, @Ctx() context: ApiContext): Promise<EpochMetric[]> {
    return context.loaders.epochMetrics.load(run.id);
  }

  @FieldResolver(() => [Checkpoint], { complexity: perItemCost(() => UNSIZED_LIST_ESTIMATE) })
  checkpoints(@Root() run: TrainingRunRow, @Ctx() context: ApiContext): Promise<Checkpoint[]> {
    return context.loaders.checkpoints.load(run.id);
  }

  /** Seconds from start to finish, or to now while a worker still runs it; null before it starts. */
  @FieldResolver(() => Float, { nullable: true })
  durationSeconds(@Root() run: TrainingRunRow): number | null {
    if (!run.startedAt) return null;
    const active = run.status === RunStatus.RUNNING || run.status === RunStatus.EMBEDDING;
    const end = run.finishedAt ?? (active ? new Date() : null);
    return end ? (end.getTime() - run.startedAt.getTime()) / 1000 : null;
  }
}
