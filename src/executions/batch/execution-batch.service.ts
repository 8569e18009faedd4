import { Injectable } from '@nestjs/common';
import { AppException, type FieldProblem } from '../../common/errors/app.exception';
import { AppConfig } from '../../config/app-config';
import type { FlowVersionSnapshot } from '../../flows/flow-definition';
import type { TeamContext } from '../../identity/tenancy/principal';
import type { RunBatchDto } from '../dto/run-batch.dto';
import { newCorrelationId, newTraceId } from '../execution-correlation';
import { ExecutionJobQueue } from '../execution-job-queue';
import { ExecutionsRepository, type NewBatchRun } from '../executions.repository';
import { ExecutionsService, type ExecutionView, newStepsOf, timeoutProblem } from '../executions.service';
import { resolveRunVariables } from '../run-variables';

/**
 * Runs of one flow version in one request (POST …/flows/run-batch): data-driven tests send a row of
 * variables per run. Every run is checked first — one bad row refuses the batch, naming `runs.<i>.…` —
 * then all are written in one statement and queued in one Redis round trip: per run, the API does a
 * fraction of what a single run request costs (one HTTP request, tenancy check, rate-limit call, insert
 * and queue call for up to RUN_BATCH_MAX runs).
 */
@Injectable()
export class ExecutionBatchService {
  constructor(
    private readonly repo: ExecutionsRepository,
    private readonly jobs: ExecutionJobQueue,
    private readonly executions: ExecutionsService,
    private readonly config: AppConfig,
  ) {}

  async run(team: Pick<TeamContext, 'teamId' | 'userId'>, dto: RunBatchDto): Promise<ExecutionView[]> {
    const overBudget = dto.runs.flatMap((r, i) => timeoutProblem(r.parameters, `runs.${i}.parameters.timeoutMs`, this.config) ?? []);
    if (overBudget.length) throw AppException.validation(overBudget);
    // As a single run: the pin from memory first, checked by the insert (ExecutionsService.withPinnedVersion).
    const created = await this.executions.withPinnedVersion(team.teamId, dto.flowId, dto.version, async (flow, fresh) => {
      const { runs, problems } = this.resolve(flow, dto);
      if (problems.length && !fresh) return undefined;
      if (problems.length) throw AppException.validation(problems);
      return this.repo.insertPendingBatch(
        { teamId: team.teamId, flowId: flow.flowId, flowVersion: flow.version, trigger: 'api', userId: team.userId },
        newStepsOf(flow),
        runs,
        { latest: dto.version === undefined },
      );
    });
    if (!created) throw AppException.conflict('The flow changed while the runs were being created; send them again');
    await this.jobs.addMany(created);
    return created.map((e) => this.executions.toView(e, e.steps));
  }

  /** Each run's variables resolved against the version's declarations; problems name the run (`runs.2.variables.0.value`). */
  private resolve(flow: FlowVersionSnapshot, dto: RunBatchDto): { runs: NewBatchRun[]; problems: FieldProblem[] } {
    const problems: FieldProblem[] = [];
    const runs = dto.runs.map((r, i) => {
      const resolved = resolveRunVariables(flow.variables, r.variables ?? []);
      problems.push(...resolved.problems.map((p) => ({ field: `runs.${i}.${p.field}`, message: p.message })));
      return { variables: resolved.values, parameters: r.parameters ?? {}, correlationId: r.correlationId ?? newCorrelationId(), traceId: newTraceId() };
    });
    return { runs, problems };
  }
}
