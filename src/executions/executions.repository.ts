import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { preparedQuery } from '../database/prepared-query';
import { rowMapper } from '../database/row-mapper';
import { ExecutionStep } from './execution-step.entity';
import { Execution } from './execution.entity';
import type { ExecutionTrigger, StepStatus } from './execution-status';

/** What a new execution is created with; everything else starts at its column default. */
export type NewExecution = Pick<Execution, 'teamId' | 'flowId' | 'flowVersion' | 'flowName' | 'trigger' | 'suiteRunId' | 'userId' | 'variables' | 'parameters' | 'correlationId' | 'traceId'> &
  Partial<Pick<Execution, 'parentExecutionId' | 'parentStepIndex' | 'rerunOf'>>;
export type NewExecutionStep = Pick<ExecutionStep, 'stepIndex' | 'stepId' | 'name' | 'type' | 'background'>;

const EXECUTION_INSERT_COLUMNS =
  'team_id, flow_id, flow_version, flow_name, status, trigger, suite_run_id, user_id, variables, parameters, parent_execution_id, parent_step_index, correlation_id, trace_id, rerun_of';

/** After a CTE `e` that inserted executions: each one's PENDING step rows from `stepsParam` (stepsJson), then the rows. */
function insertStepsAndReturn(stepsParam: string): string {
  return `
       s AS (
         INSERT INTO execution_steps (execution_id, step_index, step_id, name, type, background, status)
         SELECT e.id, x.step_index, x.step_id, x.name, x.type, x.background, 'PENDING'
           FROM e, jsonb_to_recordset(${stepsParam}::jsonb) AS x(step_index int, step_id text, name text, type text, background boolean))
  SELECT * FROM e`;
}

/** The execution row and its PENDING step rows in one statement (atomic without a transaction). */
const INSERT_PENDING_SQL = `
  WITH e AS (
         INSERT INTO executions (${EXECUTION_INSERT_COLUMNS})
         VALUES ($1, $2, $3, $4, 'PENDING', $5, $6, $7, $8, $9, $11, $12, $13, $14, $15)
         RETURNING *),${insertStepsAndReturn('$10')}`;

/**
 * CTE `f`: the flow `$2` of team `$1` with its current name, only while version `$3` is what a fresh
 * read would pin — not deleted, and the latest version when the boolean parameter `latest` is true (the
 * request named none), else one the flow has.
 */
function pinnedFlow(latest: string): string {
  return `f AS (
         SELECT f.name FROM flows f
          WHERE f.id = $2::uuid AND f.team_id = $1::uuid AND f.deleted_at IS NULL
            AND CASE WHEN ${latest}::bool THEN f.latest_version = $3::int ELSE f.latest_version >= $3::int END)`;
}

/**
 * INSERT_PENDING_SQL for a run whose flow version was pinned from memory (FlowVersionReader.recentForNewRun):
 * it inserts only when that version is still what a fresh read would pin — the flow is the team's and
 * not deleted, and the version is its latest (`$16` true: the request named none) or one it has — and
 * takes the flow's name as it is now. Otherwise it inserts nothing and returns no row. Same statement
 * count as the unchecked insert: the check rides along, the read it replaces is gone.
 */
const INSERT_PENDING_CHECKED_SQL = `
  WITH ${pinnedFlow('$16')},
       e AS (
         INSERT INTO executions (${EXECUTION_INSERT_COLUMNS})
         SELECT $1::uuid, $2::uuid, $3::int, COALESCE(f.name, $4::text), 'PENDING', $5::text, $6::uuid, $7::uuid, $8::jsonb, $9::jsonb, $11::uuid, $12::int, $13::text, $14::text, $15::uuid
           FROM f
         RETURNING *),${insertStepsAndReturn('$10')}`;

/**
 * A batch of runs of one pinned flow version (POST …/flows/run-batch) in one statement: the same check
 * as INSERT_PENDING_CHECKED_SQL once for all, then one execution row per entry of `$7` (a JSON array of
 * per-run values) and the version's PENDING step rows (`$6`) for each. All or nothing: a stale pin
 * inserts none. Rows come back in any order; callers match them by trace id.
 */
const INSERT_PENDING_BATCH_SQL = `
  WITH ${pinnedFlow('$8')},
       e AS (
         INSERT INTO executions (${EXECUTION_INSERT_COLUMNS})
         SELECT $1::uuid, $2::uuid, $3::int, f.name, 'PENDING', $4::text, NULL, $5::uuid, r.variables, r.parameters, NULL, NULL, r.correlation_id, r.trace_id, NULL
           FROM f, jsonb_to_recordset($7::jsonb) AS r(ord int, variables jsonb, parameters jsonb, correlation_id text, trace_id text)
          ORDER BY r.ord
         RETURNING *),${insertStepsAndReturn('$6')}`;

/** One run of a batch as INSERT_PENDING_BATCH_SQL takes it. */
export type NewBatchRun = Pick<Execution, 'variables' | 'parameters'> & { correlationId: string; traceId: string };

/** A step row without its stored bodies (request, response, assertions, logs). */
export type ExecutionStepSummary = Omit<ExecutionStep, 'request' | 'response' | 'assertions' | 'logs' | 'execution'>;

const STEP_SUMMARY_COLUMNS = 's.execution_id, s.step_index, s.step_id, s.name, s.type, s.background, s.status, s.attempts, s.error, s.started_at, s.finished_at, s.duration_ms, s.child_execution_id, s.warning, s.reused';

/** Data access for executions, private to this module; other modules use its services. */
@Injectable()
export class ExecutionsRepository {
  private readonly toExecution: (row: Record<string, unknown>) => Execution;
  private readonly toStepFromJson: (row: Record<string, unknown>) => ExecutionStep;
  private readonly toStep: (row: Record<string, unknown>) => ExecutionStep;

  constructor(
    @InjectRepository(Execution) readonly executions: Repository<Execution>,
    @InjectRepository(ExecutionStep) readonly steps: Repository<ExecutionStep>,
  ) {
    this.toExecution = rowMapper(executions);
    this.toStepFromJson = rowMapper(steps, { fromJson: true });
    this.toStep = rowMapper(steps);
  }

  /**
   * Creates a PENDING execution with its steps: one round trip instead of a transaction of four (this is
   * on the path of every run request). In the caller's transaction when `manager` is given (suite runs).
   * With `pinCheck` (a version pinned from memory), nothing is written and undefined returned when the
   * version is no longer what a fresh read would pin (INSERT_PENDING_CHECKED_SQL).
   */
  async insertPending(execution: NewExecution, steps: NewExecutionStep[], manager?: EntityManager): Promise<Execution & { steps: ExecutionStep[] }>;
  async insertPending(
    execution: NewExecution,
    steps: NewExecutionStep[],
    manager: EntityManager | undefined,
    pinCheck: { latest: boolean },
  ): Promise<(Execution & { steps: ExecutionStep[] }) | undefined>;
  async insertPending(
    execution: NewExecution,
    steps: NewExecutionStep[],
    manager?: EntityManager,
    pinCheck?: { latest: boolean },
  ): Promise<(Execution & { steps: ExecutionStep[] }) | undefined> {
    const parameters = [
      execution.teamId,
      execution.flowId,
      execution.flowVersion,
      execution.flowName,
      execution.trigger,
      execution.suiteRunId,
      execution.userId,
      JSON.stringify(execution.variables),
      JSON.stringify(execution.parameters),
      stepsJson(steps),
      execution.parentExecutionId ?? null,
      execution.parentStepIndex ?? null,
      execution.correlationId,
      execution.traceId,
      execution.rerunOf ?? null,
      ...(pinCheck ? [pinCheck.latest] : []),
    ];
    const [sql, name] = pinCheck ? [INSERT_PENDING_CHECKED_SQL, 'execution-insert-pending-checked'] : [INSERT_PENDING_SQL, 'execution-insert-pending'];
    const [row] = manager
      ? ((await manager.query(sql, parameters)) as Record<string, unknown>[])
      : await preparedQuery<Record<string, unknown>>(this.executions.manager.connection, name, sql, parameters);
    if (!row) return undefined;
    const created = this.toExecution(row);
    return { ...created, steps: steps.map((s) => pendingStep(created.id, s)) };
  }

  /**
   * The executions of a batch (INSERT_PENDING_BATCH_SQL), in the order of `runs`, each with its PENDING
   * steps; undefined, and nothing written, when the pinned version is stale (as insertPending's `pinCheck`).
   */
  async insertPendingBatch(
    shared: Pick<Execution, 'teamId' | 'flowId' | 'flowVersion' | 'trigger' | 'userId'>,
    steps: NewExecutionStep[],
    runs: NewBatchRun[],
    pinCheck: { latest: boolean },
  ): Promise<Array<Execution & { steps: ExecutionStep[] }> | undefined> {
    const rows = await preparedQuery<Record<string, unknown>>(this.executions.manager.connection, 'execution-insert-pending-batch', INSERT_PENDING_BATCH_SQL, [
      shared.teamId,
      shared.flowId,
      shared.flowVersion,
      shared.trigger,
      shared.userId,
      stepsJson(steps),
      JSON.stringify(runs.map((r, ord) => ({ ord, variables: r.variables, parameters: r.parameters, correlation_id: r.correlationId, trace_id: r.traceId }))),
      pinCheck.latest,
    ]);
    if (rows.length !== runs.length) return undefined;
    const byTrace = new Map(rows.map((row) => [row.trace_id as string, this.toExecution(row)]));
    return runs.map((r) => {
      const created = byTrace.get(r.traceId)!;
      return { ...created, steps: steps.map((s) => pendingStep(created.id, s)) };
    });
  }

  /**
   * Step rows without their request, response and assertions (the stored bodies, up to
   * STEP_RESULT_MAX_BYTES each): what list pages and `?steps=summary` show. Naming the columns keeps
   * Postgres from reading the bodies out of TOAST at all.
   */
  async stepSummaries(executionIds: string[]): Promise<ExecutionStepSummary[]>;
  /** With `assertions` (what reports read), still without request and response. */
  async stepSummaries(executionIds: string[], options: { withAssertions: true }): Promise<Array<ExecutionStepSummary & Pick<ExecutionStep, 'assertions'>>>;
  async stepSummaries(executionIds: string[], options: { withAssertions?: boolean } = {}): Promise<ExecutionStepSummary[]> {
    if (!executionIds.length) return [];
    const columns = options.withAssertions ? `${STEP_SUMMARY_COLUMNS}, s.assertions` : STEP_SUMMARY_COLUMNS;
    const rows = await preparedQuery<Record<string, unknown>>(
      this.executions.manager.connection,
      options.withAssertions ? 'execution-step-summaries-assertions' : 'execution-step-summaries',
      `SELECT ${columns} FROM execution_steps s WHERE s.execution_id = ANY($1::uuid[]) ORDER BY s.execution_id, s.step_index`,
      [executionIds],
    );
    return rows.map(this.toStep);
  }

  /** One stored step of an execution of the team, bodies included; undefined when there is none. */
  async findStep(teamId: string, executionId: string, stepId: string): Promise<ExecutionStep | undefined> {
    const [row] = await this.executions.manager.query(
      `SELECT s.* FROM execution_steps s JOIN executions e ON e.id = s.execution_id
        WHERE s.execution_id = $1 AND e.team_id = $2 AND s.step_id = $3 ORDER BY s.step_index LIMIT 1`,
      [executionId, teamId, stepId],
    );
    return row ? this.toStep(row) : undefined;
  }

  /**
   * What the team's executions take right now, in one statement: runs holding a slot (top-level only —
   * a sub-flow's child runs inside its parent's slot), runs waiting for one, and bytes of step results
   * held (each execution's stored_bytes, kept by the statements that store them).
   */
  async loadOfTeam(teamId: string): Promise<{ running: number; waiting: number; storedBytes: number }> {
    const [row] = await this.executions.manager.query(
      `SELECT count(*) FILTER (WHERE status = 'IN_PROGRESS' AND parent_execution_id IS NULL)::int AS running,
              count(*) FILTER (WHERE status = 'PENDING' AND waiting_reason IS NOT NULL AND cancel_requested_at IS NULL)::int AS waiting,
              COALESCE(sum(stored_bytes), 0)::float8 AS bytes
         FROM executions WHERE team_id = $1`,
      [teamId],
    );
    return { running: row.running, waiting: row.waiting, storedBytes: Number(row.bytes) };
  }

  /**
   * One execution and its steps: what every claim, snapshot and GET reads. One prepared statement (the
   * steps as a JSON array) instead of two ORM queries in turn — this is on the worker's per-run path,
   * where every socket write counts (bench/RESULTS.md).
   */
  async findWithSteps(id: string, teamId?: string): Promise<{ execution: Execution; steps: ExecutionStep[] } | undefined> {
    const [row] = await preparedQuery<Record<string, unknown> & { steps_json: Record<string, unknown>[] }>(
      this.executions.manager.connection,
      'execution-with-steps',
      `SELECT e.*, COALESCE((SELECT json_agg(s ORDER BY s.step_index) FROM execution_steps s WHERE s.execution_id = e.id), '[]') AS steps_json
         FROM executions e WHERE e.id = $1 AND e.team_id = COALESCE($2, e.team_id)`,
      [id, teamId ?? null],
    );
    return row ? this.withSteps(row) : undefined;
  }

  /** An execution row with its steps as `steps_json` (json_agg of the step rows), e.g. read back by a claim. */
  withSteps(row: Record<string, unknown> & { steps_json: Record<string, unknown>[] }): { execution: Execution; steps: ExecutionStep[] } {
    return { execution: this.toExecution(row), steps: row.steps_json.map(this.toStepFromJson) };
  }

  /**
   * What the worker's metrics record of a finished execution: its trigger, run time and each step's
   * type, status, attempts and duration. Bodies are never read; one prepared statement per finished run.
   * Steps a re-run reused from another execution did not run here and are not counted again.
   */
  async finishedSummary(id: string): Promise<FinishedExecutionSummary | undefined> {
    const [row] = await preparedQuery<{ trigger: ExecutionTrigger; duration_ms: number | null; steps: FinishedExecutionSummary['steps'] }>(
      this.executions.manager.connection,
      'execution-finished-summary',
      `SELECT e.trigger, extract(epoch FROM e.finished_at - e.started_at) * 1000 AS duration_ms,
              COALESCE((SELECT json_agg(json_build_object('type', s.type, 'status', s.status, 'attempts', s.attempts, 'durationMs', s.duration_ms))
                          FROM execution_steps s WHERE s.execution_id = e.id AND NOT s.reused), '[]') AS steps
         FROM executions e WHERE e.id = $1`,
      [id],
    );
    return row ? { trigger: row.trigger, durationMs: row.duration_ms === null ? null : Number(row.duration_ms), steps: row.steps } : undefined;
  }
}

export interface FinishedExecutionSummary {
  trigger: ExecutionTrigger;
  /** From its first start to its end; null when it never started (cancelled while queued). */
  durationMs: number | null;
  steps: Array<{ type: string; status: StepStatus; attempts: number; durationMs: number | null }>;
}

/** A step row as the insert statements leave it: PENDING, nothing stored. */
function pendingStep(executionId: string, step: NewExecutionStep): ExecutionStep {
  return {
    ...step,
    executionId,
    status: 'PENDING',
    request: null,
    response: null,
    assertions: [],
    logs: null,
    attempts: 0,
    error: null,
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    childExecutionId: null,
    warning: false,
    reused: false,
  } as ExecutionStep;
}

/** New step rows as the insert statements read them (`jsonb_to_recordset`). */
function stepsJson(steps: readonly NewExecutionStep[]): string {
  return JSON.stringify(steps.map((s) => ({ step_index: s.stepIndex, step_id: s.stepId, name: s.name, type: s.type, background: s.background })));
}
