import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { OptionalNotNull } from '../../common/validation/optional-not-null.decorator';
import { TRIGGER_SOURCES, type TriggerSource } from '../trigger-source';

export const MAX_TRIGGER_RULES = 50;

export class TriggerMatchDto {
  @ApiProperty({ example: { service: 'checkout' }, description: 'Every label here must be present on the alert with this exact value; `{}` matches every alert' })
  @IsObject()
  labels: Record<string, string>;
}

export class TriggerRunDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'The flow to run (exactly one of flowId and suiteId)' })
  @IsOptional() @IsUUID()
  flowId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The suite to run (exactly one of flowId and suiteId)' })
  @IsOptional() @IsUUID()
  suiteId?: string;

  @ApiPropertyOptional({
    example: { service: '${alert.labels.service}', reason: '${alert.annotations.summary}' },
    description: 'Run variables by name; strings may read `${alert.labels.<name>}`, `${alert.annotations.<name>}`, `${alert.status}`, `${alert.fingerprint}`',
  })
  @IsOptional() @IsObject()
  variables?: Record<string, unknown>;
}

export class TriggerRuleDto {
  @ApiProperty({ type: TriggerMatchDto })
  @ValidateNested() @Type(() => TriggerMatchDto)
  match: TriggerMatchDto;

  @ApiPropertyOptional({ enum: ['firing', 'resolved'], default: 'firing' })
  @OptionalNotNull() @IsIn(['firing', 'resolved'])
  status?: 'firing' | 'resolved';

  @ApiProperty({ type: TriggerRunDto })
  @ValidateNested() @Type(() => TriggerRunDto)
  run: TriggerRunDto;
}

export class CreateTriggerDto {
  @ApiProperty({ example: 'checkout alerts' })
  @IsString() @MinLength(1) @MaxLength(120)
  name: string;

  @ApiProperty({ enum: TRIGGER_SOURCES, description: 'Which payload the hook reads: Alertmanager webhook v4, Grafana alerting, Opsgenie webhook, or generic `{alerts: [{labels, status}]}`' })
  @IsIn(TRIGGER_SOURCES)
  source: TriggerSource;

  @ApiProperty({ type: [TriggerRuleDto], description: `Up to ${MAX_TRIGGER_RULES}; each alert is matched against every rule` })
  @IsArray() @ArrayMaxSize(MAX_TRIGGER_RULES) @ValidateNested({ each: true }) @Type(() => TriggerRuleDto)
  rules: TriggerRuleDto[];

  @ApiPropertyOptional({ default: 300, description: 'The same alert (fingerprint) and rule starts at most one run in this many seconds; 0 turns it off' })
  @OptionalNotNull() @IsInt() @Min(0) @Max(7 * 86400)
  dedupWindowSec?: number;

  @ApiPropertyOptional({ default: true })
  @OptionalNotNull() @IsBoolean()
  enabled?: boolean;
}

/** Every field optional (source included: it changes how the next payload is read). */
export class UpdateTriggerDto extends PartialType(CreateTriggerDto, { skipNullProperties: false }) {}

export class ListTriggerDeliveriesQuery {
  @ApiPropertyOptional({ default: 1 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  page?: number;

  @ApiPropertyOptional({ default: 20, maximum: 100 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  pageSize?: number;
}
