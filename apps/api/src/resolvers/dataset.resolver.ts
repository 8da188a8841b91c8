import { Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';

import type { ApiContext } from '../context';
import type { DatasetRow } from '../db/dataset-cache';
import { Dataset } from '../types/dataset.type';

@Resolver(() => Dataset)
export class DatasetResolver {
  @Query(() => [Dataset])
  async datasets(@Ctx() context: ApiContext): Promise<DatasetRow[]> {
    return [...(await context.loaders.allDatasets()).values()];
  }

  @FieldResolver(() => Int)
  async trainCount(@Root() dataset: DatasetRow, @Ctx() context: ApiContext): Promise<number> {
    return (await context.loaders.splitCounts(dataset.id)).train;
  }

  @FieldResolver(() => Int)
  async testCount(@Root() dataset: DatasetRow, @Ctx() context: ApiContext): Promise<number> {
    return (await context.loaders.splitCounts(dataset.id)).test;
  }
}
