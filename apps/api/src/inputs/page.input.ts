import { Max, Min } from 'class-validator';
import { Field, InputType, Int } from 'type-graphql';

import { INPUT_DEFAULTS, INPUT_LIMITS } from './limits';

@InputType()
export class PageInput {
  @Field(() => Int, { defaultValue: 0 })
  @Min(0, { message: 'offset must be >= 0' })
  @Max(INPUT_LIMITS.maxOffset, { message: `offset must be <= ${INPUT_LIMITS.maxOffset}` })
  offset!: number;

  @Field(() => Int, { defaultValue: INPUT_DEFAULTS.pageSize, description: `1..${INPUT_LIMITS.maxPageSize}` })
  @Min(1, { message: 'limit must be >= 1' })
  @Max(INPUT_LIMITS.maxPageSize, { message: `limit must be <= ${INPUT_LIMITS.maxPageSize}` })
  limit!: number;
}
