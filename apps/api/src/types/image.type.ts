import { Field, Int, ObjectType } from 'type-graphql';

import { Dataset } from './dataset.type';
import { Split } from './enums';

/**
 * An image without its pixels. Resolvers return an ImageRoot (a row, or the part of it that
 * a neighbour query returns), and ImageResolver resolves the remaining fields.
 */
@ObjectType()
export class Image {
  @Field(() => Int)
  id!: number;

  datasetId!: number;

  @Field(() => Dataset)
  dataset?: Dataset;

  @Field(() => Split)
  split?: Split;

  @Field(() => Int, { description: 'Position of the image in its split of the source files.' })
  indexInSplit?: number;

  @Field(() => Int)
  label!: number;

  @Field(() => String)
  labelName?: string;

  @Field(() => String, { description: 'Relative URL of the PNG, e.g. /images/123.png.' })
  url?: string;
}

/** The image columns every resolver selects (see ImageRow); only the PNG route reads pixels. */
export const IMAGE_COLUMNS = {
  id: true,
  datasetId: true,
  split: true,
  indexInSplit: true,
  label: true,
} as const;

@ObjectType()
export class ImagePage {
  @Field(() => [Image])
  items!: Image[];

  @Field(() => Int)
  totalCount!: number;

  @Field(() => Int)
  offset!: number;

  @Field(() => Int)
  limit!: number;
}
