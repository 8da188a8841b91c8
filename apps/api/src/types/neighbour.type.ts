import { Field, Float, ObjectType } from 'type-graphql';

import { Image } from './image.type';
import { TrainingRun } from './training-run.type';

@ObjectType()
export class Neighbour {
  @Field(() => Image)
  image!: Image;

  @Field(() => Float, { description: "L2 distance between the query's and this image's embeddings." })
  distance!: number;
}

@ObjectType()
export class NeighbourResult {
  @Field(() => Image)
  query!: Image;

  @Field(() => TrainingRun)
  run!: TrainingRun;

  @Field(() => [Neighbour])
  neighbours!: Neighbour[];
}
