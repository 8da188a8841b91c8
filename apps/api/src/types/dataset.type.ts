import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType()
export class Dataset {
  @Field(() => Int)
  id!: number;

  @Field(() => String, { description: 'Stable name, e.g. "cifar10".' })
  name!: string;

  @Field(() => [String])
  classNames!: string[];

  @Field(() => Int)
  height!: number;

  @Field(() => Int)
  width!: number;

  @Field(() => Int)
  channels!: number;

  @Field(() => Int)
  trainCount!: number;

  @Field(() => Int)
  testCount!: number;
}
