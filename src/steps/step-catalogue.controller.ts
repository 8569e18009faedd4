import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';
import { targetConstructorToSchema } from 'class-validator-jsonschema';
import { StepRegistry } from './step-registry.service';

export class StepTypeDto {
  @ApiProperty({ example: 'http' }) type: string;
  @ApiProperty() description: string;
  @ApiPropertyOptional({ example: 'http', description: 'Resource type that config.resourceId must name' }) resourceType?: string;
  @ApiProperty({ description: 'JSON Schema of the step config, generated from the plugin config class' }) configSchema: Record<string, unknown>;
  @ApiProperty({ description: 'JSON Schema of the result, for ${step.response...} completion and assertion paths' }) resultSchema: Record<string, unknown>;
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
    this.cache ??= this.registry.all().map(({ metadata }) => ({
      type: metadata.type,
      description: metadata.description,
      resourceType: metadata.resource,
      configSchema: targetConstructorToSchema(metadata.config, { classValidatorMetadataStorage: getMetadataStorage() }) as Record<string, unknown>,
      resultSchema: metadata.resultSchema,
    }));
    return this.cache;
  }
}
