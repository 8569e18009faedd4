import { ApiProperty } from '@nestjs/swagger';

/** GET /teams/{id}/usage: where the team stands against its fair-share limits right now. */
export class TeamUsageDto {
  @ApiProperty({ example: 5, description: 'Runs executing now (top-level; a sub-flow runs inside its parent’s slot and is not counted)' })
  running: number;

  @ApiProperty({ example: 2, description: 'Runs PENDING because the team is at its concurrency limit; they start in submission order as slots free' })
  waiting: number;

  @ApiProperty({ example: 5, description: 'Runs the team may execute at once: its own maxConcurrentExecutions (capped by TEAM_MAX_CONCURRENT_EXECUTIONS_CEILING), else TEAM_MAX_CONCURRENT_EXECUTIONS' })
  limit: number;

  @ApiProperty({ example: 42, description: 'Run starts (flow and suite runs) the run-rate limiter counted in its current window, refused attempts included' })
  runsInWindow: number;

  @ApiProperty({ example: 600, description: 'Run starts allowed per window (TEAM_RUN_RATE_PER_MIN); over it, run endpoints answer 429 with Retry-After' })
  runRateLimit: number;

  @ApiProperty({ example: 60, description: 'Length of the run-rate window in seconds (a fixed window that begins with the first run after the previous one ended)' })
  runRateWindowSec: number;

  @ApiProperty({ example: 37, description: 'Seconds until the current run-rate window ends; 0 when no run started in the last window' })
  runRateResetsInSec: number;

  @ApiProperty({ example: 5242880, description: 'Bytes of step results the team’s executions store (after STEP_RESULT_MAX_BYTES / the per-execution cap)' })
  storedBytes: number;

  @ApiProperty({ example: 30, description: 'Days finished executions, suite runs and webhook deliveries are kept: the team’s override, else EXECUTION_RETENTION_DAYS' })
  retentionDays: number;
}
