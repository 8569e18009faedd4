import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { OptionalNotNull } from '../../common/validation/optional-not-null.decorator';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { MAX_SUITE_ENTRIES, SUITE_MODES, type SuiteMode } from '../suite-definition';
import { ScheduleDto } from '../schedules/schedule.dto';
import { SuiteVariableDto } from './suite-variable.dto';

export class SuiteEntryDto {
  @ApiProperty({ format: 'uuid', description: 'A flow of the same team' })
  @IsUUID()
  flowId: string;

  @ApiPropertyOptional({ type: Number, nullable: true, example: 3, description: 'Pinned version; omitted or null runs the latest version' })
  @IsOptional() @IsInt() @Min(1)
  version?: number | null;

  @ApiPropertyOptional({ type: [SuiteVariableDto], description: "Override the suite's variables for this flow", example: [{ name: 'sku', value: 'A-1' }] })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => SuiteVariableDto)
  variables?: SuiteVariableDto[];
}

export class CreateSuiteDto {
  @ApiProperty({ example: 'Checkout regression', maxLength: 120, description: 'Unique in the team' })
  @IsString() @MinLength(1) @MaxLength(120)
  name: string;

  @ApiPropertyOptional({ example: 'Orders, payments and shipping end to end' })
  @OptionalNotNull() @IsString() @MaxLength(2000)
  description?: string;

  @ApiProperty({ type: [SuiteEntryDto], description: `Flows in run order (1–${MAX_SUITE_ENTRIES})` })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_SUITE_ENTRIES) @ValidateNested({ each: true }) @Type(() => SuiteEntryDto)
  entries: SuiteEntryDto[];

  @ApiPropertyOptional({ type: [SuiteVariableDto], description: 'Values given to every flow (entries override them)', example: [{ name: 'baseUrl', value: 'https://staging.example.com' }] })
  @OptionalNotNull() @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => SuiteVariableDto)
  variables?: SuiteVariableDto[];

  @ApiPropertyOptional({ enum: SUITE_MODES, default: 'parallel', description: '`parallel`: up to maxParallel at once; `sequential`: one after the other, in order' })
  @OptionalNotNull() @IsIn(SUITE_MODES)
  mode?: SuiteMode;

  @ApiPropertyOptional({ default: false, description: 'Stop at the first failed flow: the rest are cancelled (and reported as skipped)' })
  @OptionalNotNull() @IsBoolean()
  failFast?: boolean;

  @ApiPropertyOptional({ default: 5, minimum: 1, maximum: 100, description: 'Executions running at once in parallel mode' })
  @OptionalNotNull() @IsInt() @Min(1) @Max(100)
  maxParallel?: number;

  @ApiPropertyOptional({ default: true, description: 'A disabled suite cannot be run and its schedule does not fire' })
  @OptionalNotNull() @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ type: [String], example: ['smoke', 'checkout'] })
  @OptionalNotNull() @IsArray() @ArrayMaxSize(20) @IsString({ each: true }) @MinLength(1, { each: true }) @MaxLength(50, { each: true })
  tags?: string[];
}

/** Every field optional; `null` is refused like any wrong type (no suite field can be cleared to null). */
export class UpdateSuiteDto extends PartialType(CreateSuiteDto, { skipNullProperties: false }) {}

export class SuiteEntryViewDto {
  @ApiProperty({ format: 'uuid' }) flowId: string;
  @ApiProperty({ type: Number, nullable: true, example: null, description: 'null: the latest version at run time' }) version: number | null;
  @ApiProperty({ type: [SuiteVariableDto] }) variables: SuiteVariableDto[];
}

export class ScheduleViewDto extends ScheduleDto {
  @ApiProperty({ type: String, nullable: true, example: '2026-11-28T06:00:00.000Z', description: 'Next firing; null when disabled (or the suite is)' })
  nextRunAt: string | null;
}

export class SuiteDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) teamId: string;
  @ApiProperty({ example: 'Checkout regression' }) name: string;
  @ApiProperty({ example: 'Orders, payments and shipping end to end' }) description: string;
  @ApiProperty({ type: [SuiteEntryViewDto] }) entries: SuiteEntryViewDto[];
  @ApiProperty({ type: [SuiteVariableDto] }) variables: SuiteVariableDto[];
  @ApiProperty({ enum: SUITE_MODES }) mode: SuiteMode;
  @ApiProperty() failFast: boolean;
  @ApiProperty({ example: 5 }) maxParallel: number;
  @ApiProperty() enabled: boolean;
  @ApiProperty({ type: [String], example: ['smoke'] }) tags: string[];
  @ApiProperty({ type: ScheduleViewDto, nullable: true }) schedule: ScheduleViewDto | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) createdBy: string | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
}

export class SuitePageDto {
  @ApiProperty({ type: [SuiteDto] }) items: SuiteDto[];
  @ApiProperty({ example: 3 }) total: number;
  @ApiProperty({ example: 1 }) page: number;
  @ApiProperty({ example: 20 }) pageSize: number;
}

export class ListSuitesQuery {
  @ApiPropertyOptional({ description: 'Case-insensitive substring of the name', example: 'checkout' })
  @IsOptional() @IsString() @MaxLength(120)
  q?: string;

  @ApiPropertyOptional({ example: 'smoke' })
  @IsOptional() @IsString() @MaxLength(50)
  tag?: string;

  @ApiPropertyOptional({ default: 1, minimum: 1 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100_000)
  page?: number;

  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 100 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  pageSize?: number;
}
