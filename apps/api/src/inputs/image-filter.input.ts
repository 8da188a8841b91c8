import { IsOptional, Max, Min } from 'class-validator';
import { Field, InputType, Int } from 'type-graphql';

import { Split } from '../types/enums';
import { INPUT_LIMITS } from './limits';

@InputType()
export class ImageFilter {
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(1, { message: 'datasetId must be >= 1' })
  datasetId?: number | null;

  @Field(() => Split, { nullable: true })
  split?: Split | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(0, { message: 'label must be >= 0' })
  @Max(INPUT_LIMITS.maxLabel, { message: `label must be <= ${INPUT_LIMITS.maxLabel}` })
  label?: number | null;
}
