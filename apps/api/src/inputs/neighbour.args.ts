import { IsOptional, Max, Min } from 'class-validator';
import { ArgsType, Field, Int } from 'type-graphql';

import { INPUT_DEFAULTS, INPUT_LIMITS } from './limits';

@ArgsType()
export class NeighbourArgs {
  @Field(() => Int)
  @Min(1, { message: 'id must be >= 1' })
  id!: number;

  @Field(() => Int, { defaultValue: INPUT_DEFAULTS.k })
  @Min(1, { message: 'k must be >= 1' })
  @Max(INPUT_LIMITS.maxK, { message: `k must be <= ${INPUT_LIMITS.maxK}` })
  k!: number;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(1, { message: 'runId must be >= 1' })
  runId?: number | null;
}
