import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { StatsWindow } from './stats-window';

/** A flow's runs in a window, as one row: counts, duration percentiles, flaky versions and the daily series. */
export interface FlowRunsRow {
  runs: number;
  passed: number;
  failed: number;
  cancelled: number;
  /** [p50, p95, p99] of finished (COMPLETED/FAILED) runs' durations in ms; null without such runs. */
  duration_ms: number[] | null;
  flaky_versions: number[];
  daily: Array<{ date: string; runs: number; passed: number; failed: number; p95: number | null }>;
}

/** One step (by step id, stable across versions) of one flow, aggregated over its finished step rows. */
export interface StepStatsRow {
  flow_id: string;
  flow_name: string;
  step_id: string;
  name: string;
  step_index: number;
  passed: number;
  failed: number;
  mean_attempts: number;
  max_attempts: number;
  passed_after_retries: number;
  /** [p50, p95] of `duration_ms` of the step rows that passed after retries; null when none did. */
  settled_ms: number[] | null;
  flaky: boolean;
}

/** Which step rows count: the ones that ran to a verdict (not pending, skipped or cancelled). */
// A re-run's reused rows are copies of the original's result, counted once (with the original).
const JUDGED_STEP = `s.status IN ('SUCCESS', 'ERROR') AND NOT s.reused`;

/**
 * Per (flow, step, version) first: small enough to re-read, and "flaky" is a question per version (did
 * the same definition both pass and fail?). Retried passes keep their durations in an array so the
 * time-to-consistency percentiles can be taken over the union afterwards without a second pass over
 * the step rows. `$4` narrows to one flow (null: the whole team).
 */
const PER_VERSION = `
  per_version AS (
    SELECT e.flow_id, s.step_id, e.flow_version,
           count(*) FILTER (WHERE s.status = 'SUCCESS') AS passed,
           count(*) FILTER (WHERE s.status = 'ERROR') AS failed,
           sum(s.attempts) AS attempts,
           max(s.attempts) AS max_attempts,
           array_agg(s.duration_ms) FILTER (WHERE s.status = 'SUCCESS' AND s.attempts > 1 AND s.duration_ms IS NOT NULL) AS settled
      FROM executions e
      JOIN execution_steps s ON s.execution_id = e.id
     WHERE e.team_id = $1 AND e.created_at >= $2 AND e.created_at < $3 AND ($4::uuid IS NULL OR e.flow_id = $4::uuid)
       AND ${JUDGED_STEP}
     GROUP BY e.flow_id, s.step_id, e.flow_version
  ),
  per_step AS (
    SELECT flow_id, step_id,
           sum(passed)::int AS passed,
           sum(failed)::int AS failed,
           (sum(attempts)::float8 / sum(passed + failed)) AS mean_attempts,
           max(max_attempts)::int AS max_attempts,
           coalesce(sum(cardinality(settled)), 0)::int AS passed_after_retries,
           bool_or(passed > 0 AND failed > 0) AS flaky
      FROM per_version
     GROUP BY flow_id, step_id
  )`;

/** The step's time to consistency, and the name, position and flow name of its newest judged row in the window. */
const STEP_DETAILS = `
  LEFT JOIN LATERAL (
    SELECT percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY d) AS settled_ms
      FROM per_version v, unnest(v.settled) AS d
     WHERE v.flow_id = p.flow_id AND v.step_id = p.step_id
  ) t ON true
  LEFT JOIN LATERAL (
    SELECT s.name, s.step_index, e.flow_name
      FROM executions e
      JOIN execution_steps s ON s.execution_id = e.id
     WHERE e.team_id = $1 AND e.flow_id = p.flow_id AND e.created_at >= $2 AND e.created_at < $3
       AND s.step_id = p.step_id AND ${JUDGED_STEP}
     ORDER BY e.created_at DESC
     LIMIT 1
  ) latest ON true`;

const STEP_COLUMNS = `p.flow_id, latest.flow_name, p.step_id, latest.name, latest.step_index, p.passed, p.failed, p.mean_attempts,
       p.max_attempts, p.passed_after_retries, t.settled_ms, p.flaky`;

/** Memory for the team-wide aggregate (see flakiestSteps). */
const STATS_WORK_MEM = '64MB';

const FLOW_STEPS_SQL = `
  WITH ${PER_VERSION}
  SELECT ${STEP_COLUMNS}
    FROM per_step p ${STEP_DETAILS}
   ORDER BY latest.step_index, p.step_id`;

/**
 * The flakiness score orders the team list: 2·min(passed, failed)/runs, 1 for a step that fails half
 * its runs, 0 for one that always passes or always fails (broken is not flaky). Steps that both passed
 * and failed on one version come first; only steps with at least `$5` runs and one failure are listed.
 */
const FLAKIEST_STEPS_SQL = `
  WITH ${PER_VERSION},
  ranked AS (
    SELECT * FROM per_step
     WHERE passed + failed >= $5 AND failed > 0
     ORDER BY flaky DESC, (2.0 * least(passed, failed) / (passed + failed)) DESC, (failed::float8 / (passed + failed)) DESC,
              passed + failed DESC, flow_id, step_id
     LIMIT $6
  )
  SELECT ${STEP_COLUMNS}
    FROM ranked p ${STEP_DETAILS}
   ORDER BY p.flaky DESC, (2.0 * least(p.passed, p.failed) / (p.passed + p.failed)) DESC, (p.failed::float8 / (p.passed + p.failed)) DESC,
            p.passed + p.failed DESC, p.flow_id, p.step_id`;

/**
 * Runs of one flow. `ms` is a finished run's wall time (started → finished); cancelled and unfinished
 * runs have none. Days are UTC calendar days; every day of the window is listed, with zeros when idle.
 */
const FLOW_RUNS_SQL = `
  WITH e AS (
    SELECT status, flow_version, (created_at AT TIME ZONE 'UTC')::date AS day,
           CASE WHEN status IN ('COMPLETED', 'FAILED') THEN extract(epoch FROM finished_at - started_at) * 1000 END AS ms
      FROM executions
     WHERE team_id = $1 AND flow_id = $4 AND created_at >= $2 AND created_at < $3
  ),
  per_day AS (
    SELECT day, count(*)::int AS runs,
           count(*) FILTER (WHERE status = 'COMPLETED')::int AS passed,
           count(*) FILTER (WHERE status = 'FAILED')::int AS failed,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) AS p95
      FROM e GROUP BY day
  )
  SELECT count(*)::int AS runs,
         count(*) FILTER (WHERE status = 'COMPLETED')::int AS passed,
         count(*) FILTER (WHERE status = 'FAILED')::int AS failed,
         count(*) FILTER (WHERE status = 'CANCELLED')::int AS cancelled,
         percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY ms) AS duration_ms,
         (SELECT coalesce(array_agg(flow_version ORDER BY flow_version), '{}')
            FROM (SELECT flow_version FROM e GROUP BY flow_version
                   HAVING bool_or(status = 'COMPLETED') AND bool_or(status = 'FAILED')) v) AS flaky_versions,
         (SELECT json_agg(json_build_object('date', to_char(g.day, 'YYYY-MM-DD'), 'runs', coalesce(d.runs, 0),
                                            'passed', coalesce(d.passed, 0), 'failed', coalesce(d.failed, 0), 'p95', d.p95)
                          ORDER BY g.day)
            FROM generate_series(($2::timestamptz AT TIME ZONE 'UTC')::date, (($3::timestamptz - interval '1 microsecond') AT TIME ZONE 'UTC')::date, interval '1 day') AS g(day)
            LEFT JOIN per_day d ON d.day = g.day::date) AS daily
    FROM e`;

/**
 * The statistics' SQL over executions and their step rows, kept with the tables it reads (flows and
 * other modules ask ExecutionStatsService). Each answer is one statement that aggregates in Postgres;
 * the covering indexes of migration 1764251500000 let them read indexes instead of the wide rows.
 */
@Injectable()
export class ExecutionStatsStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async flowRuns(teamId: string, flowId: string, window: StatsWindow): Promise<FlowRunsRow> {
    const [row] = await this.db.query(FLOW_RUNS_SQL, [teamId, window.from, window.to, flowId]);
    return row as FlowRunsRow;
  }

  flowSteps(teamId: string, flowId: string, window: StatsWindow): Promise<StepStatsRow[]> {
    return this.db.query(FLOW_STEPS_SQL, [teamId, window.from, window.to, flowId]);
  }

  /**
   * The team-wide aggregate groups every judged step row of the window (300,000 for a 100,000-run team):
   * with the default work_mem (4 MB) its hash aggregate spills to disk, so this one statement gets more,
   * for its own transaction only.
   */
  flakiestSteps(teamId: string, window: StatsWindow, minRuns: number, limit: number): Promise<StepStatsRow[]> {
    return this.db.transaction(async (manager) => {
      await manager.query(`SET LOCAL work_mem = '${STATS_WORK_MEM}'`);
      return manager.query(FLAKIEST_STEPS_SQL, [teamId, window.from, window.to, null, minRuns, limit]);
    });
  }
}
