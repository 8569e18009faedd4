import { ApiProperty } from '@nestjs/swagger';
import { EXECUTION_STATUSES, STEP_STATUSES } from '../../executions/execution-status';
import { SuiteRunSummaryDto } from '../dto/suite-run.dto';

export class FailedAssertionReportDto {
  @ApiProperty({ example: 'status' }) path: string;
  @ApiProperty({ example: 'equals' }) operator: string;
  @ApiProperty({ example: 201 }) expected: unknown;
  @ApiProperty({ example: 500 }) actual: unknown;
  @ApiProperty({ example: 'status: expected 201 but was 500' }) message: string;
}

export class FailedStepRefDto {
  @ApiProperty({ example: 1 }) index: number;
  @ApiProperty({ example: 'pay' }) name: string;
  @ApiProperty({ example: 'http' }) type: string;
}

export class FailureReportDto {
  @ApiProperty({ enum: ['assertion', 'error'], description: '`assertion`: assertions failed (JUnit failure); `error`: the step or run broke (JUnit error)' }) kind: string;
  @ApiProperty({ type: FailedStepRefDto, nullable: true }) step: FailedStepRefDto | null;
  @ApiProperty({ example: 'step "pay" (http): status: expected 201 but was 500' }) message: string;
  @ApiProperty({ type: [FailedAssertionReportDto] }) assertions: FailedAssertionReportDto[];
  @ApiProperty({ type: String, nullable: true, example: 'assertion failed: status: expected 201 but was 500' }) error: string | null;
}

export class StepReportDto {
  @ApiProperty({ example: 0 }) index: number;
  @ApiProperty({ example: 'pay' }) name: string;
  @ApiProperty({ example: 'http' }) type: string;
  @ApiProperty({ enum: STEP_STATUSES }) status: string;
  @ApiProperty({ example: 1 }) attempts: number;
  @ApiProperty({ type: Number, nullable: true, example: 38 }) durationMs: number | null;
  @ApiProperty({ example: 1 }) assertionsPassed: number;
  @ApiProperty({ example: 1 }) assertionsFailed: number;
  @ApiProperty({ type: String, nullable: true }) error: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'For a `flow` step: the child execution it started' }) childExecutionId: string | null;
  @ApiProperty({ description: 'Failed with allowFailure: a warning, not the execution\'s failure' }) warning: boolean;
}

export class ExecutionReportEntryDto {
  @ApiProperty({ format: 'uuid' }) executionId: string;
  @ApiProperty({ format: 'uuid' }) flowId: string;
  @ApiProperty({ example: 'Pay' }) flowName: string;
  @ApiProperty({ example: 3 }) flowVersion: number;
  @ApiProperty({ enum: EXECUTION_STATUSES }) status: string;
  @ApiProperty({ example: 'suite' }) trigger: string;
  @ApiProperty({ type: Date, nullable: true }) startedAt: Date | null;
  @ApiProperty({ type: Date, nullable: true }) finishedAt: Date | null;
  @ApiProperty({ type: Number, nullable: true }) durationMs: number | null;
  @ApiProperty({ type: String, nullable: true }) error: string | null;
  @ApiProperty({ type: FailureReportDto, nullable: true }) failure: FailureReportDto | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Set when a `flow` step of that execution started this one' }) parentExecutionId: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, example: { orderId: 'o-1' }, description: "The flow's outputs as evaluated when the run ended" })
  outputs: Record<string, unknown> | null;
  @ApiProperty({ example: 0, description: 'Steps that failed with allowFailure' }) warnings: number;
  @ApiProperty({ type: [StepReportDto] }) steps: StepReportDto[];
}

export class SuiteRunExecutionReportDto extends ExecutionReportEntryDto {
  @ApiProperty({ example: 1, description: 'Index of the entry in the suite' }) position: number;
}

export class SuiteRunReportDto {
  @ApiProperty({ example: 'ats.suite-run-report' }) format: string;
  @ApiProperty({ example: 1 }) formatVersion: number;
  @ApiProperty() generatedAt: string;
  @ApiProperty({ type: SuiteRunSummaryDto }) suiteRun: SuiteRunSummaryDto;
  @ApiProperty({ type: [SuiteRunExecutionReportDto] }) executions: SuiteRunExecutionReportDto[];
}

export class ExecutionReportDto {
  @ApiProperty({ example: 'ats.execution-report' }) format: string;
  @ApiProperty({ example: 1 }) formatVersion: number;
  @ApiProperty() generatedAt: string;
  @ApiProperty({ type: ExecutionReportEntryDto }) execution: ExecutionReportEntryDto;
}
