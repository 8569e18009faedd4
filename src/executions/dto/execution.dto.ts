import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { EXECUTION_STATUSES, EXECUTION_TRIGGERS, STEP_STATUSES } from '../execution-status';

export class AssertionResultDto {
  @ApiProperty({ example: 'status' }) path: string;
  @ApiProperty({ example: 'equals' }) operator: string;
  @ApiProperty({ example: 201 }) expected: unknown;
  @ApiProperty({ example: 500 }) actual: unknown;
  @ApiProperty() passed: boolean;
  @ApiProperty({ example: 'status: expected 201 but was 500' }) message: string;
}

export class ExecutionStepDto {
  @ApiProperty() stepIndex: number;
  @ApiProperty() stepId: string;
  @ApiProperty({ example: 'createOrder' }) name: string;
  @ApiProperty({ example: 'http' }) type: string;
  @ApiProperty() background: boolean;
  @ApiProperty({ enum: STEP_STATUSES }) status: string;
  @ApiPropertyOptional({ description: 'Substituted config that ran (secrets redacted)' }) request: unknown;
  @ApiPropertyOptional({ description: "The plugin's JSON result", example: { status: 201, body: { id: 'o-1' } } }) response: unknown;
  @ApiProperty({ type: [AssertionResultDto] }) assertions: AssertionResultDto[];
  @ApiProperty({ description: 'Attempts made (1 + retries)' }) attempts: number;
  @ApiPropertyOptional({ nullable: true, type: String }) error: string | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) startedAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) finishedAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) durationMs: number | null;
  @ApiProperty({ description: 'true when the step failed but has allowFailure: reported as a warning, the execution is not failed by it' }) warning: boolean;
}

export class RecoveryDto {
  @ApiProperty() attempt: number;
  @ApiProperty() at: string;
  @ApiProperty({ example: 'previous worker stopped mid-run (stalled job)' }) reason: string;
  @ApiProperty() resumedFromStep: number;
}

export class ExecutionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) teamId: string;
  @ApiProperty({ format: 'uuid' }) flowId: string;
  @ApiProperty() flowVersion: number;
  @ApiProperty() flowName: string;
  @ApiProperty({ enum: EXECUTION_STATUSES, example: 'PENDING' }) status: string;
  @ApiProperty({ enum: EXECUTION_TRIGGERS }) trigger: string;
  @ApiPropertyOptional({ nullable: true, type: String }) suiteRunId: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) userId: string | null;
  @ApiProperty({ example: { orderId: 'A-1' } }) variables: Record<string, unknown>;
  @ApiProperty() parameters: Record<string, unknown>;
  @ApiPropertyOptional({ nullable: true, type: String }) error: string | null;
  @ApiProperty({ description: 'How many times a worker started it (more than 1 after a recovery)' }) attempt: number;
  @ApiProperty({ type: [RecoveryDto] }) recoveries: RecoveryDto[];
  @ApiProperty({ description: 'Sequence number of the last update included' }) seq: number;
  @ApiProperty({ description: 'Steps that failed with allowFailure; a COMPLETED execution may have some', example: 0 }) warnings: number;
  @ApiProperty() createdAt: Date;
  @ApiPropertyOptional({ nullable: true, type: Date }) startedAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) finishedAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Date, description: 'Last sign of life of the worker running it' }) heartbeatAt: Date | null;
  @ApiProperty({ type: [ExecutionStepDto] }) steps: ExecutionStepDto[];
}

export class ExecutionSummaryDto extends ExecutionDto {}

export class ExecutionPageDto {
  @ApiProperty({ type: [ExecutionSummaryDto] }) items: ExecutionSummaryDto[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
}

export class ListExecutionsQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() flowId?: string;
  @ApiPropertyOptional({ enum: EXECUTION_STATUSES }) @IsOptional() @IsIn(EXECUTION_STATUSES) status?: string;
  @ApiPropertyOptional({ enum: EXECUTION_TRIGGERS }) @IsOptional() @IsIn(EXECUTION_TRIGGERS) trigger?: string;
  @ApiPropertyOptional({ description: 'Created at or after (ISO 8601)' }) @IsOptional() @IsISO8601() from?: string;
  @ApiPropertyOptional({ description: 'Created before (ISO 8601)' }) @IsOptional() @IsISO8601() to?: string;
  @ApiPropertyOptional({ default: 1 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) page?: number;
  @ApiPropertyOptional({ default: 20 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) pageSize?: number;
}
