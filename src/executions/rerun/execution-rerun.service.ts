import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AppException } from '../../common/errors/app.exception';
import { FlowsService } from '../../flows/flows.service';
import type { TeamContext } from '../../identity/tenancy/principal';
import { isUuid } from '../../identity/tenancy/tenancy.service';
import { newCorrelationId } from '../execution-correlation';
import type { ExecutionTrigger } from '../execution-status';
import { ExecutionsRepository } from '../executions.repository';
import { ExecutionsService, type ExecutionView } from '../executions.service';
import { resumePoint } from './resume-point';

/**
 * Copies the original's step rows before the resume point into the new execution, marked reused, and
 * counts their stored bytes into the new execution (what its result budget and the team's storage
 * quota read). The engine then treats them as steps this run already finished (FlowRunner keeps
 * finished rows and feeds them to the scope; claim starts at the first unfinished one).
 */
const COPY_REUSED_STEPS_SQL = `
  WITH src AS (SELECT * FROM execution_steps WHERE execution_id = $2 AND step_index < $3),
       s AS (UPDATE execution_steps t SET status = src.status, request = src.request, response = src.response, assertions = src.assertions, logs = src.logs,
                    attempts = src.attempts, error = src.error, started_at = src.started_at, finished_at = src.finished_at,
                    duration_ms = src.duration_ms, child_execution_id = src.child_execution_id, warning = src.warning, reused = true
               FROM src WHERE t.execution_id = $1 AND t.step_index = src.step_index)
  UPDATE executions SET stored_bytes = (
           SELECT COALESCE(sum(octet_length(COALESCE(request::text, 'null')) + octet_length(COALESCE(response::text, 'null')) + octet_length(assertions::text)), 0)::int FROM src)
   WHERE id = $1`;

export interface RerunOptions {
  /** Resume from this step, reusing the original's stored results of the steps before it. */
  fromStep?: string;
  trigger: ExecutionTrigger;
  suiteRunId: string | null;
}

/** Re-runs of executions: the same pinned flow version with the original's stored variables and parameters. */
@Injectable()
export class ExecutionRerunService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: ExecutionsRepository,
    private readonly executions: ExecutionsService,
    private readonly flows: FlowsService,
  ) {}

  /** Creates and queues the re-run; answers with it PENDING (reused steps already finished). */
  async rerun(team: Pick<TeamContext, 'teamId' | 'userId'>, originalId: string, fromStep?: string): Promise<ExecutionView> {
    const created = await this.db.transaction((m) => this.createPending(team, originalId, { fromStep, trigger: 'api', suiteRunId: null }, m));
    const view = await this.executions.get(team.teamId, created.id);
    await this.executions.enqueue(view);
    return view;
  }

  /**
   * Writes a PENDING re-run of `originalId` in the caller's transaction (suite re-runs write many).
   * 404 for another team's execution; 400 naming `fromStep` when the run cannot resume there.
   */
  async createPending(team: Pick<TeamContext, 'teamId' | 'userId'>, originalId: string, options: RerunOptions, manager: EntityManager): Promise<ExecutionView> {
    const found = isUuid(originalId) ? await this.repo.findWithSteps(originalId, team.teamId) : undefined;
    if (!found) throw AppException.notFound('Execution');
    const { execution: original, steps: rows } = found;
    const flow = await this.flows.getVersionForRun(team.teamId, original.flowId, original.flowVersion);
    let reusedSteps = 0;
    if (options.fromStep !== undefined) {
      const point = resumePoint(flow.steps, rows, options.fromStep);
      if ('problem' in point) throw AppException.validation([{ field: 'fromStep', message: point.problem }]);
      reusedSteps = point.index;
    }
    // What started the original (an alert delivery) did not start this one; its run parameters stay.
    const { alertDeliveryId: _startedBy, ...parameters } = original.parameters;
    const created = await this.executions.insertPending(
      team,
      flow,
      {
        trigger: options.trigger,
        suiteRunId: options.suiteRunId,
        variables: original.variables,
        parameters,
        // Resuming continues the original's conversation with the system under test (steps after the
        // resume point may look for what the reused ones sent under its correlation id); a full re-run starts a new one.
        correlationId: reusedSteps > 0 && original.correlationId ? original.correlationId : newCorrelationId(),
        rerunOf: original.id,
      },
      manager,
    );
    if (reusedSteps > 0) await manager.query(COPY_REUSED_STEPS_SQL, [created.id, original.id, reusedSteps]);
    return created;
  }
}
