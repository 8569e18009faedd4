import { Injectable } from '@nestjs/common';
import { FlowsService } from '../../flows/flows.service';
import type { FlakiestStepsDto, FlakyStepDto, FlowStatsDto, StepStatsDto } from './dto/flow-stats.dto';
import type { FlakiestStepsQuery, StatsWindowQuery } from './dto/stats-queries.dto';
import { ExecutionStatsStore, type StepStatsRow } from './execution-stats.store';
import { statsWindow } from './stats-window';

export const DEFAULT_FLAKIEST_LIMIT = 20;
export const DEFAULT_FLAKIEST_MIN_RUNS = 5;

/**
 * Flakiness analytics over stored runs: a flow's pass rate, durations, per-step failure rates, retries
 * and time to consistency, with a daily series; and the team's flakiest steps. Postgres aggregates
 * (ExecutionStatsStore); this class checks the window and the flow, and rounds for display.
 */
@Injectable()
export class ExecutionStatsService {
  constructor(
    private readonly store: ExecutionStatsStore,
    private readonly flows: FlowsService,
  ) {}

  async flowStats(teamId: string, flowId: string, query: StatsWindowQuery): Promise<FlowStatsDto> {
    const window = statsWindow(query);
    const flow = await this.flows.get(teamId, flowId); // 404 for another team's flow, before anything is read
    const [runs, steps] = await Promise.all([this.store.flowRuns(teamId, flow.id, window), this.store.flowSteps(teamId, flow.id, window)]);
    const [p50, p95, p99] = runs.duration_ms ?? [];
    return {
      flowId: flow.id,
      flowName: flow.name,
      from: window.from.toISOString(),
      to: window.to.toISOString(),
      runs: runs.runs,
      passed: runs.passed,
      failed: runs.failed,
      cancelled: runs.cancelled,
      unfinished: runs.runs - runs.passed - runs.failed - runs.cancelled,
      passRate: rate(runs.passed, runs.passed + runs.failed),
      durationMs: { p50: ms(p50), p95: ms(p95), p99: ms(p99) },
      flaky: runs.flaky_versions.length > 0,
      flakyVersions: runs.flaky_versions,
      steps: steps.map(toStepStats),
      daily: runs.daily.map((d) => ({ date: d.date, runs: d.runs, passed: d.passed, failed: d.failed, passRate: rate(d.passed, d.passed + d.failed), p95DurationMs: ms(d.p95) })),
    };
  }

  async flakiestSteps(teamId: string, query: FlakiestStepsQuery): Promise<FlakiestStepsDto> {
    const window = statsWindow(query);
    const minRuns = query.minRuns ?? DEFAULT_FLAKIEST_MIN_RUNS;
    const rows = await this.store.flakiestSteps(teamId, window, minRuns, query.limit ?? DEFAULT_FLAKIEST_LIMIT);
    return { from: window.from.toISOString(), to: window.to.toISOString(), minRuns, items: rows.map(toFlakyStep) };
  }
}

function toStepStats(row: StepStatsRow): StepStatsDto {
  const runs = row.passed + row.failed;
  const [p50, p95] = row.settled_ms ?? [];
  return {
    stepId: row.step_id,
    name: row.name,
    stepIndex: row.step_index,
    runs,
    passed: row.passed,
    failed: row.failed,
    failureRate: rate(row.failed, runs)!,
    meanAttempts: Math.round(row.mean_attempts * 100) / 100,
    maxAttempts: row.max_attempts,
    passedAfterRetries: row.passed_after_retries,
    timeToConsistencyMs: { p50: ms(p50), p95: ms(p95) },
    flaky: row.flaky,
  };
}

function toFlakyStep(row: StepStatsRow): FlakyStepDto {
  const step = toStepStats(row);
  return { flowId: row.flow_id, flowName: row.flow_name, ...step, flakiness: rate(2 * Math.min(row.passed, row.failed), step.runs)! };
}

/** A fraction 0..1 to four decimals; null when there is nothing to divide by. */
function rate(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null;
}

/** Whole milliseconds (percentiles interpolate between rows). */
function ms(value: number | null | undefined): number | null {
  return value === null || value === undefined ? null : Math.round(value);
}
