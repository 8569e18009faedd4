import { ApiProperty, OmitType, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, ValidateNested } from 'class-validator';
import { RunFlowDto } from './run-flow.dto';

/** Runs one batch request may create: one statement and one queue call each, bounded like a request body. */
export const RUN_BATCH_MAX = 100;

/** One run of a batch: what a single run request sends besides the flow and version. */
export class RunBatchItemDto extends OmitType(RunFlowDto, ['flowId', 'version'] as const) {}

/** The flow and version (shared by every run, as in a single run request), then one entry per run. */
export class RunBatchDto extends PickType(RunFlowDto, ['flowId', 'version'] as const) {
  @ApiProperty({
    type: [RunBatchItemDto],
    description: `One entry per run, 1 to ${RUN_BATCH_MAX}: its variables (data-driven runs: one row of test data each), correlation id and parameters`,
    example: [{ variables: [{ name: 'sku', value: 'A-1' }] }, { variables: [{ name: 'sku', value: 'B-2' }], correlationId: 'order-b-2' }],
  })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(RUN_BATCH_MAX) @ValidateNested({ each: true }) @Type(() => RunBatchItemDto)
  runs: RunBatchItemDto[];
}
