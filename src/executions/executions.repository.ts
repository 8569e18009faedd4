import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { preparedQuery } from '../database/prepared-query';
import { rowMapper } from '../database/row-mapper';
import { ExecutionStep } from './execution-step.entity';
import { Execution } from './execution.entity';

/** Data access for executions, private to this module; other modules use its services. */
@Injectable()
export class ExecutionsRepository {
  private readonly toExecution: (row: Record<string, unknown>) => Execution;
  private readonly toStep: (row: Record<string, unknown>) => ExecutionStep;

  constructor(
    @InjectRepository(Execution) readonly executions: Repository<Execution>,
    @InjectRepository(ExecutionStep) readonly steps: Repository<ExecutionStep>,
  ) {
    this.toExecution = rowMapper(executions);
    this.toStep = rowMapper(steps);
  }

  /**
   * One execution and its steps: what every claim, snapshot and GET reads. Two prepared statements sent
   * together instead of two ORM queries in turn (this is on the worker's per-run path).
   */
  async findWithSteps(id: string, teamId?: string): Promise<{ execution: Execution; steps: ExecutionStep[] } | undefined> {
    const db = this.executions.manager.connection;
    const [executions, steps] = await Promise.all([
      preparedQuery<Record<string, unknown>>(db, 'execution-by-id', 'SELECT * FROM executions WHERE id = $1 AND team_id = COALESCE($2, team_id)', [id, teamId ?? null]),
      preparedQuery<Record<string, unknown>>(db, 'execution-steps-by-execution', 'SELECT * FROM execution_steps WHERE execution_id = $1 ORDER BY step_index', [id]),
    ]);
    if (!executions.length) return undefined;
    return { execution: this.toExecution(executions[0]), steps: steps.map(this.toStep) };
  }
}
