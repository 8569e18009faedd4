import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { preparedQuery } from '../database/prepared-query';
import { rowMapper } from '../database/row-mapper';
import { ExecutionStep } from './execution-step.entity';
import { Execution } from './execution.entity';

/** What a new execution is created with; everything else starts at its column default. */
export type NewExecution = Pick<Execution, 'teamId' | 'flowId' | 'flowVersion' | 'flowName' | 'trigger' | 'suiteRunId' | 'userId' | 'variables' | 'parameters'>;
export type NewExecutionStep = Pick<ExecutionStep, 'stepIndex' | 'stepId' | 'name' | 'type' | 'background'>;

/** The execution row and its PENDING step rows in one statement (atomic without a transaction). */
const INSERT_PENDING_SQL = `
  WITH e AS (
         INSERT INTO executions (team_id, flow_id, flow_version, flow_name, status, trigger, suite_run_id, user_id, variables, parameters)
         VALUES ($1, $2, $3, $4, 'PENDING', $5, $6, $7, $8, $9)
         RETURNING *),
       s AS (
         INSERT INTO execution_steps (execution_id, step_index, step_id, name, type, background, status)
         SELECT e.id, x.step_index, x.step_id, x.name, x.type, x.background, 'PENDING'
           FROM e, jsonb_to_recordset($10::jsonb) AS x(step_index int, step_id text, name text, type text, background boolean))
  SELECT * FROM e`;

/** Data access for executions, private to this module; other modules use its services. */
@Injectable()
export class ExecutionsRepository {
  private readonly toExecution: (row: Record<string, unknown>) => Execution;
  private readonly toStepFromJson: (row: Record<string, unknown>) => ExecutionStep;

  constructor(
    @InjectRepository(Execution) readonly executions: Repository<Execution>,
    @InjectRepository(ExecutionStep) readonly steps: Repository<ExecutionStep>,
  ) {
    this.toExecution = rowMapper(executions);
    this.toStepFromJson = rowMapper(steps, { fromJson: true });
  }

  /**
   * Creates a PENDING execution with its steps: one round trip instead of a transaction of four (this is
   * on the path of every run request). In the caller's transaction when `manager` is given (suite runs).
   */
  async insertPending(execution: NewExecution, steps: NewExecutionStep[], manager?: EntityManager): Promise<Execution & { steps: ExecutionStep[] }> {
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
      JSON.stringify(steps.map((s) => ({ step_index: s.stepIndex, step_id: s.stepId, name: s.name, type: s.type, background: s.background }))),
    ];
    const [row] = manager
      ? ((await manager.query(INSERT_PENDING_SQL, parameters)) as Record<string, unknown>[])
      : await preparedQuery<Record<string, unknown>>(this.executions.manager.connection, 'execution-insert-pending', INSERT_PENDING_SQL, parameters);
    const created = this.toExecution(row);
    return {
      ...created,
      steps: steps.map((s) => ({
        ...s,
        executionId: created.id,
        status: 'PENDING' as const,
        request: null,
        response: null,
        assertions: [],
        attempts: 0,
        error: null,
        startedAt: null,
        finishedAt: null,
        durationMs: null,
        warning: false,
      })) as ExecutionStep[],
    };
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
    if (!row) return undefined;
    return { execution: this.toExecution(row), steps: row.steps_json.map(this.toStepFromJson) };
  }
}
