import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
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

const TRUNCATED_RESPONSE_EXAMPLE = {
  status: 200,
  headers: { 'content-type': 'text/plain' },
  durationMs: 84,
  size: 10000000,
  body: 'first bytes of the body…',
  truncated: true,
  originalBytes: 10000187,
  limit: 'step',
  truncatedFields: ['body'],
};

/** A step's status and timing, without its stored request, response and assertions. */
export class ExecutionStepSummaryDto {
  @ApiProperty() stepIndex: number;
  @ApiProperty() stepId: string;
  @ApiProperty({ example: 'createOrder' }) name: string;
  @ApiProperty({ example: 'http' }) type: string;
  @ApiProperty() background: boolean;
  @ApiProperty({ enum: STEP_STATUSES }) status: string;
  @ApiProperty({ description: 'Attempts made (1 + retries)' }) attempts: number;
  @ApiPropertyOptional({ nullable: true, type: String }) error: string | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) startedAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) finishedAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) durationMs: number | null;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    format: 'uuid',
    description: 'For a `flow` step: the child execution it started (GET /executions/{id} shows it; its parentExecutionId points back here)',
  })
  childExecutionId: string | null;
  @ApiProperty({ description: 'true when the step failed but has allowFailure: reported as a warning, the execution is not failed by it' }) warning: boolean;
  @ApiProperty({
    description: 'true when a re-run `?fromStep=` copied this step from the original execution (status, request, response, assertions as stored there) instead of running it',
  })
  reused: boolean;
}

/**
 * A step as stored. Its request, response and assertions are capped (STEP_RESULT_MAX_BYTES each, and
 * EXECUTION_RESULT_MAX_BYTES for the whole execution): a cut value carries `truncated: true`,
 * `originalBytes` (bytes of the whole JSON), `limit` (`step` or `execution`) and either
 * `truncatedFields` (big fields replaced by a preview string, small ones kept) or `preview`.
 */
export class ExecutionStepDto extends ExecutionStepSummaryDto {
  @ApiPropertyOptional({ description: 'Substituted config that ran (secrets redacted); capped like the response' }) request: unknown;
  @ApiPropertyOptional({
    description:
      "The plugin's JSON result as stored, e.g. `{\"status\": 201, \"body\": {\"id\": \"o-1\"}}`. The run's assertions and references saw it whole; one bigger than the caps is stored cut, as in the example",
    example: TRUNCATED_RESPONSE_EXAMPLE,
  })
  response: unknown;
  @ApiProperty({ type: [AssertionResultDto], description: 'A too-big `actual` is stored as a preview with `actualTruncated: true` and `actualBytes`' })
  assertions: AssertionResultDto[];
  @ApiPropertyOptional({
    type: [String],
    nullable: true,
    description:
      'Lines the step logged while it ran (e.g. the query it sent), every attempt\'s, secrets redacted; at most 50 lines of at most 1,000 characters (a last line says what was cut); null when it logged nothing',
    example: ['LogQL {app="orders"} |= "o-42" from 2026-12-07T10:00:00.000Z to 2026-12-07T10:05:00.001Z'],
  })
  logs: string[] | null;
}

export class RecoveryDto {
  @ApiProperty() attempt: number;
  @ApiProperty() at: string;
  @ApiProperty({ example: 'previous worker stopped mid-run (stalled job)' }) reason: string;
  @ApiProperty() resumedFromStep: number;
}

export class ExecutionLinksDto {
  @ApiPropertyOptional({ example: 'https://jaeger.example/trace/4bf92f3577b34da6a3ce929d0e0e4736', description: 'The run in the trace viewer (TRACE_VIEWER_URL_TEMPLATE with {traceId} filled in)' })
  trace?: string;
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
  @ApiProperty({ description: 'initialDelay and timeoutMs as asked; alertDeliveryId when an inbound alert trigger started it' }) parameters: Record<string, unknown>;
  @ApiProperty({ example: '0b6f3c1e-2f4d-4a7e-9c1b-5d8e7f6a4b3c', description: 'Sent as the correlation header (default X-Correlation-Id); ${execution.correlationId}' })
  correlationId: string;
  @ApiProperty({ example: '4bf92f3577b34da6a3ce929d0e0e4736', description: 'W3C trace id: every HTTP request of the run carries traceparent 00-<traceId>-<span id>-01; ${execution.traceId}' })
  traceId: string;
  @ApiProperty({ type: () => ExecutionLinksDto, description: 'Links a UI can show; empty when the deployment sets no TRACE_VIEWER_URL_TEMPLATE' })
  links: ExecutionLinksDto;
  @ApiPropertyOptional({ nullable: true, type: String }) error: string | null;
  @ApiProperty({ description: 'How many times a worker started it (more than 1 after a recovery)' }) attempt: number;
  @ApiProperty({ type: [RecoveryDto] }) recoveries: RecoveryDto[];
  @ApiProperty({ description: 'Sequence number of the last update included' }) seq: number;
  @ApiProperty({ description: 'Steps that failed with allowFailure; a COMPLETED execution may have some', example: 0 }) warnings: number;
  @ApiProperty() createdAt: Date;
  @ApiPropertyOptional({ nullable: true, type: Date }) startedAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) finishedAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Date, description: 'Last sign of life of the worker running it' }) heartbeatAt: Date | null;
  @ApiProperty({ description: 'Bytes of step results (requests, responses, assertions) it holds in storage, after the caps' }) storedBytes: number;
  @ApiPropertyOptional({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    description:
      "The flow's declared outputs, evaluated when the run ended: all of them for a COMPLETED run (one that cannot be evaluated fails the run), those that could be for a FAILED run; null while running and for a CANCELLED run",
    example: { orderId: 'o-1' },
  })
  outputs: Record<string, unknown> | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid', description: 'Set when a `flow` step of another execution started this one (trigger "flow")' })
  parentExecutionId: string | null;
  @ApiPropertyOptional({ nullable: true, type: Number, description: "Index of that `flow` step in the parent's steps", example: 1 })
  parentStepIndex: number | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uuid', description: 'The execution this one re-runs (POST …/executions/{id}/rerun or a suite run re-run); null otherwise' })
  rerunOf: string | null;
  @ApiProperty({ type: [ExecutionStepDto], description: 'With `?steps=summary`, the steps come without request, response and assertions (ExecutionStepSummary)' })
  steps: ExecutionStepDto[];
}

/** An execution as list pages show it: steps without their stored bodies (GET the execution or one step for those). */
export class ExecutionSummaryDto extends OmitType(ExecutionDto, ['steps'] as const) {
  @ApiProperty({ type: [ExecutionStepSummaryDto] }) steps: ExecutionStepSummaryDto[];
}

export class GetExecutionQuery {
  @ApiPropertyOptional({
    enum: ['full', 'summary'],
    default: 'full',
    description: '`full`: every step with its stored request, response and assertions (at most EXECUTION_RESULT_MAX_BYTES of them in all). `summary`: status and timing only; GET …/steps/{stepId} reads one step whole',
  })
  @IsOptional() @IsIn(['full', 'summary'])
  steps?: 'full' | 'summary';
}

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
