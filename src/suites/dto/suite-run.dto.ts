import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsUUID, Max, Min, ValidateNested } from 'class-validator';
import { EXECUTION_STATUSES } from '../../executions/execution-status';
import { SUITE_MODES } from '../suite-definition';
import { SUITE_RUN_STATUSES, SUITE_RUN_TRIGGERS } from '../runs/suite-run-status';
import { SuiteVariableDto } from './suite-variable.dto';

const toBool = ({ value }: { value: unknown }) => (value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value);

export class RunSuiteDto {
  @ApiPropertyOptional({
    type: [SuiteVariableDto],
    description: 'Values for this run only; they override the suite and entry variables (e.g. the environment CI deploys to)',
    example: [{ name: 'baseUrl', value: 'https://review-42.example.com' }],
  })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => SuiteVariableDto)
  variables?: SuiteVariableDto[];
}

export class RunSuiteQuery {
  @ApiPropertyOptional({ type: Boolean, default: false, description: 'Hold the request until the run finishes (or timeoutSec passes)' })
  @IsOptional() @Transform(toBool) @IsBoolean()
  wait?: boolean;

  @ApiPropertyOptional({ default: 300, minimum: 1, maximum: 3600, description: 'With wait=true: answer 202 with the running run after this many seconds' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(3600)
  timeoutSec?: number;
}

export class RerunSuiteRunQuery {
  @ApiPropertyOptional({
    type: Boolean,
    default: false,
    description: 'true: only the flows that did not pass (FAILED, or CANCELLED e.g. by fail-fast); false: every flow of the run again',
  })
  @IsOptional() @Transform(toBool) @IsBoolean()
  failedOnly?: boolean;
}

export class SuiteRunCountsDto {
  @ApiProperty({ example: 4 }) total: number;
  @ApiProperty({ example: 2, description: 'Executions COMPLETED' }) passed: number;
  @ApiProperty({ example: 1, description: 'Executions FAILED' }) failed: number;
  @ApiProperty({ example: 0, description: 'Executions CANCELLED (cancel, or skipped by fail-fast)' }) cancelled: number;
  @ApiProperty({ example: 1, description: 'Executions not started yet (queued or waiting for a slot)' }) pending: number;
  @ApiProperty({ example: 0, description: 'Executions IN_PROGRESS' }) running: number;
}

export class SuiteRunItemDto {
  @ApiProperty({ example: 0, description: 'Index of the entry in the suite' }) position: number;
  @ApiProperty({ format: 'uuid' }) executionId: string;
  @ApiProperty({ format: 'uuid' }) flowId: string;
  @ApiProperty({ example: 'Create order' }) flowName: string;
  @ApiProperty({ example: 3 }) flowVersion: number;
  @ApiProperty({ enum: EXECUTION_STATUSES }) status: string;
  @ApiProperty({ description: 'Handed to the queue (sequential and maxParallel runs hold the rest back)' }) queued: boolean;
  @ApiProperty({ type: String, nullable: true, example: 'step "create" failed: assertion failed: status: expected 201 but was 500' }) error: string | null;
  @ApiProperty({ type: Date, nullable: true }) startedAt: Date | null;
  @ApiProperty({ type: Date, nullable: true }) finishedAt: Date | null;
  @ApiProperty({ type: Number, nullable: true, example: 412 }) durationMs: number | null;
  @ApiProperty({ description: "The execution's live-update sequence number included in this view" }) executionSeq: number;
}

export class SuiteRunLinksDto {
  @ApiProperty({ example: '/api/v1/teams/5e1a…/suite-runs/0b7d…' }) self: string;
  @ApiProperty({ example: '/api/v1/teams/5e1a…/suite-runs/0b7d…/report.xml' }) junit: string;
  @ApiProperty({ example: '/api/v1/teams/5e1a…/suite-runs/0b7d…/report.json' }) json: string;
  @ApiProperty({ example: '/api/v1/teams/5e1a…/suite-runs/0b7d…/events' }) events: string;
}

export class SuiteRunSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) teamId: string;
  @ApiProperty({ format: 'uuid' }) suiteId: string;
  @ApiProperty({ example: 'Checkout regression' }) suiteName: string;
  @ApiProperty({ enum: SUITE_RUN_STATUSES, example: 'FAILED' }) status: string;
  @ApiProperty({ enum: ['passed', 'failed', 'cancelled', 'running'], example: 'failed', description: 'One word for CI scripts: `passed` only when every flow passed' })
  outcome: string;
  @ApiProperty({ enum: SUITE_RUN_TRIGGERS }) trigger: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The inbound alert delivery that started it (trigger `alert`)' }) alertDeliveryId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The suite run this one re-runs (POST …/suite-runs/{id}/rerun)' }) rerunOf: string | null;
  @ApiProperty({ type: Date, nullable: true, description: 'The schedule tick that started it' }) scheduledFor: Date | null;
  @ApiProperty({ enum: SUITE_MODES }) mode: string;
  @ApiProperty() failFast: boolean;
  @ApiProperty({ example: 5 }) maxParallel: number;
  @ApiProperty({ type: SuiteRunCountsDto }) counts: SuiteRunCountsDto;
  @ApiProperty({ type: String, nullable: true, example: 'fail-fast: "Create order" failed' }) stopReason: string | null;
  @ApiProperty({ type: String, nullable: true, enum: [...SUITE_RUN_STATUSES, null], description: 'Status of the suite run that finished before this one' }) previousStatus: string | null;
  @ApiProperty({ description: 'Sequence number of the last live update included (see README, "CI")' }) seq: number;
  @ApiProperty({ type: String, nullable: true }) userId: string | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ type: Date, nullable: true }) startedAt: Date | null;
  @ApiProperty({ type: Date, nullable: true }) finishedAt: Date | null;
  @ApiProperty({ type: Number, nullable: true, example: 5230 }) durationMs: number | null;
  @ApiProperty({ type: SuiteRunLinksDto }) links: SuiteRunLinksDto;
}

export class SuiteRunDto extends SuiteRunSummaryDto {
  @ApiProperty({ type: [SuiteRunItemDto] }) items: SuiteRunItemDto[];
}

export class SuiteRunPageDto {
  @ApiProperty({ type: [SuiteRunSummaryDto] }) items: SuiteRunSummaryDto[];
  @ApiProperty({ example: 12 }) total: number;
  @ApiProperty({ example: 1 }) page: number;
  @ApiProperty({ example: 20 }) pageSize: number;
}

export class ListSuiteRunsQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsUUID()
  suiteId?: string;

  @ApiPropertyOptional({ enum: SUITE_RUN_STATUSES })
  @IsOptional() @IsIn(SUITE_RUN_STATUSES)
  status?: string;

  @ApiPropertyOptional({ enum: SUITE_RUN_TRIGGERS })
  @IsOptional() @IsIn(SUITE_RUN_TRIGGERS)
  trigger?: string;

  @ApiPropertyOptional({ default: 1, minimum: 1 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100_000)
  page?: number;

  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 200 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  pageSize?: number;
}
