import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, Matches } from 'class-validator';
import { REFERENCE_NAME } from '../flow-limits';
import { VariableDto } from '../dto/flow-definition.dto';

export const OPENAPI_GROUP_BY = ['operation', 'tag'] as const;
export const OPENAPI_CONFLICT_MODES = ['skip', 'fail'] as const;

const toBool = ({ value }: { value: unknown }) => (value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value);

export class OpenApiImportQueryDto {
  @ApiPropertyOptional({ enum: OPENAPI_GROUP_BY, default: 'operation', description: 'One flow per operation, or one per tag (its operations in document order; untagged ones in "untagged")' })
  @IsOptional()
  @IsIn(OPENAPI_GROUP_BY)
  groupBy?: (typeof OPENAPI_GROUP_BY)[number];

  @ApiPropertyOptional({ type: Boolean, default: false, description: 'Answer the flows that would be created, create nothing' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  dryRun?: boolean;

  @ApiPropertyOptional({ default: 'baseUrl', pattern: REFERENCE_NAME.source, description: 'Name of the flow variable every URL starts with' })
  @IsOptional()
  @Matches(REFERENCE_NAME, { message: 'baseUrlVariable must start with a letter or "_" and contain only letters, digits and "_"' })
  baseUrlVariable?: string;

  @ApiPropertyOptional({
    enum: OPENAPI_CONFLICT_MODES,
    default: 'skip',
    description: 'A flow name that exists in the team: `skip` keeps the existing flow (listed in `skipped`), `fail` answers 400 and imports nothing',
  })
  @IsOptional()
  @IsIn(OPENAPI_CONFLICT_MODES)
  onConflict?: (typeof OPENAPI_CONFLICT_MODES)[number];
}

class CreatedFlowDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'POST /orders' }) name: string;
}

class SkippedFlowDto {
  @ApiProperty({ example: 'GET /health' }) name: string;
  @ApiProperty({ example: 'a flow with this name already exists in the team' }) reason: string;
}

export class OpenApiImportResultDto {
  @ApiProperty({ type: [CreatedFlowDto] }) created: CreatedFlowDto[];
  @ApiProperty({ type: [SkippedFlowDto] }) skipped: SkippedFlowDto[];
}

class PlannedStepDto {
  @ApiProperty({ example: 'createOrder' }) name: string;
  @ApiProperty({ example: 'POST' }) method: string;
  @ApiProperty({ example: '${baseUrl}/orders' }) url: string;
}

class PlannedFlowDto {
  @ApiProperty({ example: 'POST /orders' }) name: string;
  @ApiProperty({ example: 1 }) stepCount: number;
  @ApiProperty({ type: [PlannedStepDto] }) steps: PlannedStepDto[];
  @ApiProperty({ type: [VariableDto] }) variables: VariableDto[];
  @ApiProperty({ description: 'A flow of this name exists in the team (skipped, or 400 with onConflict=fail)' }) exists: boolean;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The whole flow definition, as POST /flows would take it' }) definition: Record<string, unknown>;
}

export class OpenApiDryRunDto {
  @ApiProperty({ enum: [true] }) dryRun: true;
  @ApiProperty({ type: [PlannedFlowDto] }) flows: PlannedFlowDto[];
}
