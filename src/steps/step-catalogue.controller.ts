import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { stepConfigSchema } from './step-config-schema';
import { StepRegistry } from './step-registry.service';

export class StepTypeDto {
  @ApiProperty({ example: 'http' }) type: string;
  @ApiProperty() description: string;
  @ApiPropertyOptional({ example: 'http', description: 'Resource type that config.resourceId must name' }) resourceType?: string;
  @ApiProperty({
    description: 'JSON Schema (draft-07) of the step config, generated from the plugin config class; self-contained: nested objects are $refs into its own `definitions`',
    // No `$ref` in the example: OpenAPI tools (the OpenAPI import among them) resolve $refs everywhere in
    // the document, examples included, and this one points into the example's own definitions.
    example: { type: 'object', properties: { topic: { type: 'string' }, searchPattern: { type: 'object', properties: { matchType: { enum: ['exact', 'contains', 'jsonpath', 'header'] } } } } },
  })
  configSchema: Record<string, unknown>;
  @ApiProperty({
    description: 'JSON Schema (draft-07) of the result, for ${step.response...} completion and assertion paths; every plugin is tested to return results valid against it',
    example: { type: 'object', properties: { status: { type: 'integer' }, sent: { type: 'object', properties: { correlationId: { type: 'string' }, traceparent: { type: 'string' } } } } },
  })
  resultSchema: Record<string, unknown>;
  @ApiPropertyOptional({
    type: [String],
    example: ['searchPattern'],
    description:
      'Top-level config fields that, on a background step, may reference steps that come after it (deferred match: the step is positioned first and matches once those steps have finished)',
  })
  lateFields?: string[];
}

/** The step catalogue the admin UI builds forms from, without knowing any step type. */
@ApiTags('step-types')
@ApiBearerAuth('bearer')
@Controller('step-types')
export class StepCatalogueController {
  private cache?: StepTypeDto[];

  constructor(private readonly registry: StepRegistry) {}

  @Get()
  @ApiOperation({ summary: 'Every registered step type with its config schema, resource type and result shape' })
  @ApiOkResponse({ type: [StepTypeDto] })
  list(): StepTypeDto[] {
    this.cache ??= this.registry.all().map(({ metadata, resourceType }) => ({
      type: metadata.type,
      description: metadata.description,
      resourceType,
      configSchema: stepConfigSchema(metadata.config),
      resultSchema: metadata.resultSchema,
      ...(metadata.lateFields?.length ? { lateFields: [...metadata.lateFields] } : {}),
    }));
    return this.cache;
  }
}
