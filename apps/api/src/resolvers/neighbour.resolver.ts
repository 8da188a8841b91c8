import { findNeighbours, type NeighbourOrder, type NeighboursResult } from '@dim/db';
import { Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';

import type { ApiContext } from '../context';
import { NeighbourArgs } from '../inputs/neighbour.args';
import { neighbourCount, perItemCost } from '../plugins/query-cost';
import { Image } from '../types/image.type';
import { Neighbour, NeighbourResult } from '../types/neighbour.type';
import type { ImageRoot, TrainingRunRow } from '../types/rows';
import { TrainingRun } from '../types/training-run.type';

/** Root value of NeighbourResult: findNeighbours' result as it is. */
type NeighbourResultRoot = NeighboursResult;

@Resolver(() => NeighbourResult)
export class NeighbourResolver {
  @Query(() => NeighbourResult, {
    description: 'k nearest images by L2 distance; k in 1..1000; run defaults to the latest completed run.',
    complexity: perItemCost(neighbourCount),
  })
  similar(@Args(() => NeighbourArgs) args: NeighbourArgs, @Ctx() context: ApiContext): Promise<NeighbourResultRoot> {
    return searchNeighbours(args, 'nearest', context);
  }

  @Query(() => NeighbourResult, {
    description: 'k farthest images by L2 distance (ordered by negated distance); k in 1..1000.',
    complexity: perItemCost(neighbourCount),
  })
  dissimilar(@Args(() => NeighbourArgs) args: NeighbourArgs, @Ctx() context: ApiContext): Promise<NeighbourResultRoot> {
    return searchNeighbours(args, 'farthest', context);
  }

  @FieldResolver(() => Image)
  query(@Root() result: NeighbourResultRoot): ImageRoot {
    return { id: result.query.imageId, datasetId: result.query.datasetId, label: result.query.label };
  }

  @FieldResolver(() => TrainingRun)
  async run(@Root() result: NeighbourResultRoot, @Ctx() context: ApiContext): Promise<TrainingRunRow> {
    const run = await context.loaders.runs.load(result.run.id);
    if (!run) throw new Error(`Training run ${result.run.id} was deleted while the request was running`);
    return run;
  }

  @FieldResolver(() => [Neighbour])
  neighbours(@Root() result: NeighbourResultRoot): { image: ImageRoot; distance: number }[] {
    // findNeighbours only searches runs of the query image's data set, so every neighbour
    // shares the query's datasetId.
    const datasetId = result.query.datasetId;
    return result.neighbours.map((neighbour) => ({
      image: { id: neighbour.imageId, datasetId, label: neighbour.label },
      distance: neighbour.distance,
    }));
  }
}

function searchNeighbours(args: NeighbourArgs, order: NeighbourOrder, context: ApiContext): Promise<NeighboursResult> {
  return findNeighbours(context.db, {
    imageId: args.id,
    k: args.k,
    runId: args.runId ?? undefined,
    order,
  });
}
