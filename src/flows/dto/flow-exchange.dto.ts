import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsUUID } from 'class-validator';
import { EXPORT_FORMAT, EXPORT_FORMAT_VERSION, toExportedStep } from '../exchange/flow-document';
import type { StepDefinition } from '../flow-definition';
import { EXAMPLE_FLOW_DEFINITION, EXAMPLE_RESOURCE_IDS } from './flow-example';
import { VariableDto } from './flow-definition.dto';
import { StoredStepDto } from './flow.dto';


/** In an export, a step names its resource instead of pointing at a team-specific id. */
export class ExportedStepDto extends StoredStepDto {
  @ApiPropertyOptional({
    description:
      'Name of the resource the step uses. Replaces `config.resourceId` on export; on import it is looked up by name in the target team and written back as `config.resourceId`.',
    example: 'orders-db',
  })
  resource?: string;
}

const EXAMPLE_EXPORTED_STEPS = EXAMPLE_FLOW_DEFINITION.steps.map((step) =>
  toExportedStep(
    step as StepDefinition,
    new Map([
      [EXAMPLE_RESOURCE_IDS.kafka, 'kafka-main'],
      [EXAMPLE_RESOURCE_IDS.ordersDb, 'orders-db'],
    ]),
  ),
);

export class ExportedFlowDto {
  @ApiProperty() name: string;
  @ApiProperty() description: string;
  @ApiProperty({ type: [String] }) tags: string[];
  @ApiProperty({ type: [VariableDto] }) variables: VariableDto[];
  @ApiProperty({ type: [ExportedStepDto] }) steps: ExportedStepDto[];
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { orderId: '${createOrder.response.body.id}' } }) outputs?: Record<string, string>;
}

export class FlowExportDocumentDto {
  @ApiProperty({ enum: [EXPORT_FORMAT] }) format: typeof EXPORT_FORMAT;
  @ApiProperty({ enum: [EXPORT_FORMAT_VERSION] }) formatVersion: typeof EXPORT_FORMAT_VERSION;
  @ApiProperty({ description: 'Ignored on import', example: '2025-11-27T17:00:00.000Z' }) exportedAt: string;
  @ApiProperty({
    type: [ExportedFlowDto],
    example: [
      {
        name: EXAMPLE_FLOW_DEFINITION.name,
        description: EXAMPLE_FLOW_DEFINITION.description,
        tags: EXAMPLE_FLOW_DEFINITION.tags,
        variables: EXAMPLE_FLOW_DEFINITION.variables,
        steps: EXAMPLE_EXPORTED_STEPS,
      },
    ],
  })
  flows: ExportedFlowDto[];
}

/** `?ids=a,b` or `?ids=a&ids=b`; an empty `?ids=` selects nothing in particular, i.e. every flow. */
const splitIds = ({ value }: { value: unknown }) => {
  const ids = (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(',')).map((v) => v.trim()).filter(Boolean);
  return ids.length ? ids : undefined;
};

export class ExportQueryDto {
  @ApiPropertyOptional({ description: 'Flow ids, comma-separated or repeated; default: every flow of the team', type: String })
  @IsOptional()
  @Transform(splitIds)
  @IsArray()
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true })
  ids?: string[];

  @ApiPropertyOptional({ enum: ['json', 'yaml'], default: 'json', description: 'yaml answers application/yaml with the same document' })
  @IsOptional()
  @IsIn(['json', 'yaml'])
  format?: 'json' | 'yaml';
}

export const IMPORT_CONFLICT_MODES = ['fail', 'skip'] as const;

export class ImportQueryDto {
  @ApiPropertyOptional({
    enum: IMPORT_CONFLICT_MODES,
    default: 'fail',
    description: 'A flow whose name exists in the team: `fail` reports it as a problem (nothing imported), `skip` leaves the existing flow and imports the rest',
  })
  @IsOptional()
  @IsIn(IMPORT_CONFLICT_MODES)
  onConflict?: (typeof IMPORT_CONFLICT_MODES)[number];
}

class ImportedFlowDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: 1 }) version: number;
}

class SkippedFlowDto {
  @ApiProperty() name: string;
  @ApiProperty({ example: 'a flow with this name exists' }) reason: string;
}

export class ImportResultDto {
  @ApiProperty({ type: [ImportedFlowDto] }) imported: ImportedFlowDto[];
  @ApiProperty({ type: [SkippedFlowDto] }) skipped: SkippedFlowDto[];
}
