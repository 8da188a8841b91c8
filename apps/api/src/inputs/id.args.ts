import { Min } from 'class-validator';
import { ArgsType, Field, Int } from 'type-graphql';

/** Arguments of the fields that look a row up by id. Ids are autoincrement keys starting at 1. */
@ArgsType()
export class IdArgs {
  @Field(() => Int)
  @Min(1, { message: 'id must be >= 1' })
  id!: number;
}
