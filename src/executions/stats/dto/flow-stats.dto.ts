import { ApiProperty } from '@nestjs/swagger';

export class DurationPercentilesDto {
  @ApiProperty({ nullable: true, type: Number, example: 1840 }) p50: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 5120 }) p95: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 9010 }) p99: number | null;
}

export class TimeToConsistencyDto {
  @ApiProperty({ nullable: true, type: Number, example: 2300 }) p50: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 7400 }) p95: number | null;
}

/** One step of a flow (matched by step id across versions), over its runs that reached a verdict. */
export class StepStatsDto {
  @ApiProperty({ description: 'Stable across versions (see FLOWS.md): stats follow a renamed step' }) stepId: string;
  @ApiProperty({ example: 'orderEvent', description: 'Its name in the newest run in the window' }) name: string;
  @ApiProperty({ example: 2, description: 'Its position (0-based) in the newest run in the window' }) stepIndex: number;
  @ApiProperty({ example: 120, description: 'Step runs with a verdict (SUCCESS or ERROR); skipped, cancelled and unfinished ones are not counted' }) runs: number;
  @ApiProperty({ example: 114 }) passed: number;
  @ApiProperty({ example: 6 }) failed: number;
  @ApiProperty({ example: 0.05, description: 'failed / runs (0..1)' }) failureRate: number;
  @ApiProperty({ example: 1.42, description: 'Attempts per run (1 + retries; checks made, for a holdFor step)' }) meanAttempts: number;
  @ApiProperty({ example: 4 }) maxAttempts: number;
  @ApiProperty({ example: 37, description: 'Runs that passed after at least one retry' }) passedAfterRetries: number;
  @ApiProperty({
    type: TimeToConsistencyDto,
    description: 'Over the runs that passed after retries: ms from the start of the first attempt to the end of the passing one (null when none did)',
  })
  timeToConsistencyMs: TimeToConsistencyDto;
  @ApiProperty({ description: 'The same flow version both passed and failed this step in the window' }) flaky: boolean;
}

export class DailyPointDto {
  @ApiProperty({ example: '2026-11-27', description: 'UTC day' }) date: string;
  @ApiProperty({ example: 48 }) runs: number;
  @ApiProperty({ example: 45 }) passed: number;
  @ApiProperty({ example: 3 }) failed: number;
  @ApiProperty({ nullable: true, type: Number, example: 0.9375, description: 'passed / (passed + failed); null on a day without finished runs' }) passRate: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 5300, description: 'p95 duration of the day’s finished runs, ms' }) p95DurationMs: number | null;
}

export class FlowStatsDto {
  @ApiProperty({ format: 'uuid' }) flowId: string;
  @ApiProperty({ example: 'order placed → event' }) flowName: string;
  @ApiProperty({ example: '2026-10-29T10:00:00.000Z', description: 'Window start (inclusive), by execution creation time' }) from: string;
  @ApiProperty({ example: '2026-11-28T10:00:00.000Z', description: 'Window end (exclusive)' }) to: string;
  @ApiProperty({ example: 1450, description: 'Executions created in the window, any status' }) runs: number;
  @ApiProperty({ example: 1310, description: 'COMPLETED' }) passed: number;
  @ApiProperty({ example: 120, description: 'FAILED' }) failed: number;
  @ApiProperty({ example: 18, description: 'CANCELLED' }) cancelled: number;
  @ApiProperty({ example: 2, description: 'PENDING or IN_PROGRESS' }) unfinished: number;
  @ApiProperty({ nullable: true, type: Number, example: 0.9161, description: 'passed / (passed + failed), 0..1; cancelled runs are left out (null when nothing finished)' })
  passRate: number | null;
  @ApiProperty({ type: DurationPercentilesDto, description: 'Wall time (started → finished) of COMPLETED and FAILED runs, ms' }) durationMs: DurationPercentilesDto;
  @ApiProperty({ description: 'Some version both passed and failed in the window' }) flaky: boolean;
  @ApiProperty({ type: [Number], example: [3], description: 'The versions that both passed and failed' }) flakyVersions: number[];
  @ApiProperty({ type: [StepStatsDto], description: 'In the order of the newest run' }) steps: StepStatsDto[];
  @ApiProperty({ type: [DailyPointDto], description: 'One point per UTC day of the window, idle days with zeros' }) daily: DailyPointDto[];
}

export class FlakyStepDto extends StepStatsDto {
  @ApiProperty({ format: 'uuid' }) flowId: string;
  @ApiProperty({ example: 'order placed → event', description: 'The flow’s name at its newest run in the window' }) flowName: string;
  @ApiProperty({ example: 0.1, description: '2·min(passed, failed) / runs: 1 when it fails half the time, 0 when it always passes or always fails' }) flakiness: number;
}

export class FlakiestStepsDto {
  @ApiProperty({ example: '2026-10-29T10:00:00.000Z' }) from: string;
  @ApiProperty({ example: '2026-11-28T10:00:00.000Z' }) to: string;
  @ApiProperty({ example: 5, description: 'Steps with fewer runs were left out' }) minRuns: number;
  @ApiProperty({
    type: [FlakyStepDto],
    description: 'Steps that failed at least once: flaky ones first, then by flakiness, failure rate and runs',
  })
  items: FlakyStepDto[];
}
