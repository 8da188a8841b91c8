import { IsOptional, Min } from 'class-validator';
import { ArgsType, Field, Int } from 'type-graphql';

@ArgsType()
export class RandomImageArgs {
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(1, { message: 'datasetId must be >= 1' })
  datasetId?: number | null;
}
