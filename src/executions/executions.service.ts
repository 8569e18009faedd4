import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppException, type FieldProblem } from '../common/errors/app.exception';
import { AppConfig } from '../config/app-config';
import type { FlowVersionSnapshot } from '../flows/flow-definition';
import { FlowsService } from '../flows/flows.service';
import type { TeamContext } from '../identity/tenancy/principal';
import { isUuid } from '../identity/tenancy/tenancy.service';
import type { ListExecutionsQuery } from './dto/execution.dto';
import type { RunFlowDto } from './dto/run-flow.dto';
import { ExecutionJobQueue, type QueuedExecution } from './execution-job-queue';
import type { ExecutionParameters } from './execution.entity';
import type { ExecutionTrigger } from './execution-status';
import { ExecutionProgressService } from './execution-progress.service';
import { ExecutionUpdatePublisher } from './execution-update.publisher';
import type { Execution } from './execution.entity';
import type { ExecutionStep } from './execution-step.entity';
import { correlationOf, newCorrelationId, newTraceId } from './execution-correlation';
import { executionLinks, type ExecutionLinks } from './execution-links';
import { ExecutionsRepository, type ExecutionStepSummary, type FinishedExecutionSummary, type NewExecutionStep } from './executions.repository';
import { resolveRunVariables } from './run-variables';

/** A run request as callers inside the server make it: a RunFlowDto whose parameters may also say what started it. */
export type RunRequest = Omit<RunFlowDto, 'parameters'> & { parameters?: ExecutionParameters };

/** A new execution as insertPending writes it: what started it, its resolved variables and parameters. */
export interface PendingRun {
  trigger: ExecutionTrigger;
  suiteRunId: string | null;
  variables: Record<string, unknown>;
  parameters: ExecutionParameters;
  correlationId: string;
  parent?: { executionId: string; stepIndex: number };
  /** The execution this one re-runs. */
  rerunOf?: string;
}

/** What every execution view carries beyond the row: its correlation ids (also for rows from before them) and links. */
export interface ExecutionIdentity {
  correlationId: string;
  traceId: string;
  /** Filled on the API's execution views (run, get, list, cancel, suite runs). */
  links?: ExecutionLinks;
}

export interface ExecutionView extends Omit<Execution, 'correlationId' | 'traceId'>, ExecutionIdentity {
  steps: ExecutionStep[];
}

/** An execution with its steps' status and timing but not their stored bodies (list pages, `?steps=summary`). */
export interface ExecutionSummaryView extends Omit<Execution, 'steps' | 'correlationId' | 'traceId'>, ExecutionIdentity {
  steps: ExecutionStepSummary[];
}

/** An execution as suite reports read it: steps with assertions, without request and response. */
export interface ReportedExecution extends Omit<Execution, 'steps' | 'correlationId' | 'traceId'>, ExecutionIdentity {
  steps: Array<ExecutionStepSummary & Pick<ExecutionStep, 'assertions'>>;
}

/** How much of each step GET execution returns: `full` (stored request, response, assertions) or `summary`. */
export type StepDetail = 'full' | 'summary';

@Injectable()
export class ExecutionsService {
  private readonly logger = new Logger(ExecutionsService.name);

  constructor(
    private readonly repo: ExecutionsRepository,
    private readonly flows: FlowsService,
    private readonly progress: ExecutionProgressService,
    private readonly publisher: ExecutionUpdatePublisher,
    private readonly jobs: ExecutionJobQueue,
    private readonly config: AppConfig,
  ) {}

  /**
   * Pins the flow version, writes the execution and its PENDING steps in one statement, then queues
   * the job with the execution id as job id (a duplicate enqueue is a no-op in BullMQ).
   */
  async run(team: Pick<TeamContext, 'teamId' | 'userId'>, dto: RunRequest, trigger: ExecutionTrigger = 'api', suiteRunId: string | null = null): Promise<ExecutionView> {
    const view = await this.createPending(team, dto, trigger, suiteRunId);
    await this.enqueue(view);
    return view;
  }

  /**
   * Writes a PENDING execution and its steps without queueing it — in the caller's transaction when
   * `manager` is given. Suites create a run's executions up front and queue them as slots free up.
   */
  async createPending(
    team: Pick<TeamContext, 'teamId' | 'userId'>,
    dto: RunRequest,
    trigger: ExecutionTrigger,
    suiteRunId: string | null,
    manager?: EntityManager,
    parent?: { executionId: string; stepIndex: number },
  ): Promise<ExecutionView> {
    const overBudget = timeoutProblem(dto.parameters, 'parameters.timeoutMs', this.config);
    if (overBudget) throw AppException.validation([overBudget]);
    const correlationId = dto.correlationId ?? newCorrelationId();
    const created = await this.withPinnedVersion(team.teamId, dto.flowId, dto.version, async (flow, fresh) => {
      const { values, problems } = resolveRunVariables(flow.variables, dto.variables ?? []);
      if (problems.length && !fresh) return undefined;
      if (problems.length) throw AppException.validation(problems);
      const run: PendingRun = { trigger, suiteRunId, variables: values, parameters: dto.parameters ?? {}, correlationId, parent };
      return this.insertPending(team, flow, run, manager, { latest: dto.version === undefined });
    });
    if (created) return created;
    throw AppException.conflict('The flow changed while the run was being created; send the run again');
  }

  /**
   * Calls `write` with the version a run request pins: first the one this process pinned for the same
   * request lately (no read; `fresh` false), and when `write` answers undefined — the insert found that
   * pin stale (a save, rename or delete since), or the remembered version's variables refused the
   * request, which a newer version might not — once more with a fresh read. Undefined when the second
   * write also found its pin stale (a save racing the request twice).
   */
  async withPinnedVersion<T>(teamId: string, flowId: string, version: number | undefined, write: (flow: FlowVersionSnapshot, fresh: boolean) => Promise<T | undefined>): Promise<T | undefined> {
    const remembered = await write(await this.flows.recentVersionForRun(teamId, flowId, version), false);
    if (remembered !== undefined) return remembered;
    this.flows.forgetVersionForRun(teamId, flowId, version);
    return write(await this.flows.recentVersionForRun(teamId, flowId, version), true);
  }

  /**
   * Writes a PENDING execution of a pinned flow version whose variables are already resolved (a run
   * resolves them from the request, a re-run takes the original's stored values as they are).
   */
  async insertPending(team: Pick<TeamContext, 'teamId' | 'userId'>, flow: FlowVersionSnapshot, run: PendingRun, manager?: EntityManager): Promise<ExecutionView>;
  /** With `pinCheck`: undefined, and nothing written, when `flow` is no longer what a fresh read would pin (see FlowVersionReader.recentForNewRun). */
  async insertPending(
    team: Pick<TeamContext, 'teamId' | 'userId'>,
    flow: FlowVersionSnapshot,
    run: PendingRun,
    manager: EntityManager | undefined,
    pinCheck: { latest: boolean },
  ): Promise<ExecutionView | undefined>;
  async insertPending(
    team: Pick<TeamContext, 'teamId' | 'userId'>,
    flow: FlowVersionSnapshot,
    run: PendingRun,
    manager?: EntityManager,
    pinCheck?: { latest: boolean },
  ): Promise<ExecutionView | undefined> {
    const execution = {
      teamId: team.teamId,
      flowId: flow.flowId,
      flowVersion: flow.version,
      flowName: flow.flowName,
      trigger: run.trigger,
      suiteRunId: run.suiteRunId,
      userId: team.userId,
      variables: run.variables,
      parameters: run.parameters,
      parentExecutionId: run.parent?.executionId ?? null,
      parentStepIndex: run.parent?.stepIndex ?? null,
      correlationId: run.correlationId,
      traceId: newTraceId(),
      rerunOf: run.rerunOf ?? null,
    };
    const steps = newStepsOf(flow);
    const created = pinCheck ? await this.repo.insertPending(execution, steps, manager, pinCheck) : await this.repo.insertPending(execution, steps, manager);
    return created && this.toView(created, created.steps);
  }

  /** An execution as the API shows it: the row, its correlation ids and links, with `steps`. */
  toView<TStep>(execution: Execution, steps: TStep[]): Omit<Execution, 'steps' | 'correlationId' | 'traceId'> & ExecutionIdentity & { steps: TStep[] } {
    const ids = correlationOf(execution);
    return { ...execution, ...ids, steps, links: executionLinks(ids, this.config.TRACE_VIEWER_URL_TEMPLATE) };
  }

  /** Queues a PENDING execution (see ExecutionJobQueue for job ids); queueing it twice is a no-op. */
  async enqueue(execution: QueuedExecution): Promise<void> {
    await this.jobs.add(execution);
  }

  /**
   * Every execution of a suite run (with steps unless `withSteps` is false), oldest first: what suite
   * reports and views read. Steps carry their assertions but not their stored request and response,
   * which no report shows (a run of 100 executions could otherwise read 100 × EXECUTION_RESULT_MAX_BYTES).
   */
  async listForSuiteRun(teamId: string, suiteRunId: string, options: { withSteps?: boolean } = {}): Promise<ReportedExecution[]> {
    const rows = await this.repo.executions.find({ where: { teamId, suiteRunId }, order: { createdAt: 'ASC' } });
    if (!rows.length || options.withSteps === false) return rows.map((r) => this.toView(r, []));
    const steps = await this.repo.stepSummaries(rows.map((r) => r.id), { withAssertions: true });
    return rows.map((r) => this.toView(r, steps.filter((s) => s.executionId === r.id)));
  }

  async get(teamId: string, id: string): Promise<ExecutionView>;
  async get(teamId: string, id: string, detail: StepDetail): Promise<ExecutionView | ExecutionSummaryView>;
  async get(teamId: string, id: string, detail: StepDetail = 'full'): Promise<ExecutionView | ExecutionSummaryView> {
    if (detail === 'summary') {
      const execution = isUuid(id) ? await this.repo.executions.findOne({ where: { id, teamId } }) : null;
      if (!execution) throw AppException.notFound('Execution');
      return this.toView(execution, await this.repo.stepSummaries([id]));
    }
    const found = isUuid(id) ? await this.repo.findWithSteps(id, teamId) : undefined;
    if (!found) throw AppException.notFound('Execution');
    return this.toView(found.execution, found.steps);
  }

  /** A finished run's trigger, run time and per-step type/status/attempts/duration, without bodies (for metrics). */
  finishedSummary(id: string): Promise<FinishedExecutionSummary | undefined> {
    return this.repo.finishedSummary(id);
  }

  /** One step of an execution as stored (bodies within the result caps); 404 for an unknown execution or step. */
  async getStep(teamId: string, id: string, stepId: string): Promise<ExecutionStep> {
    const step = isUuid(id) ? await this.repo.findStep(teamId, id, stepId) : undefined;
    if (!step) throw AppException.notFound('Execution step');
    return step;
  }

  /** Bytes of step results the team's executions hold in storage (after the result caps): what its storage quota counts. */
  async storedBytes(teamId: string): Promise<number> {
    return (await this.repo.loadOfTeam(teamId)).storedBytes;
  }

  /** The team's running and waiting runs and its stored bytes (GET /teams/{id}/usage). */
  loadOfTeam(teamId: string): Promise<{ running: number; waiting: number; storedBytes: number }> {
    return this.repo.loadOfTeam(teamId);
  }

  /** Team of an execution, for stream authorisation; undefined when it does not exist. */
  async teamOf(id: string): Promise<string | undefined> {
    if (!isUuid(id)) return undefined;
    return (await this.repo.executions.findOne({ where: { id }, select: { id: true, teamId: true } }))?.teamId;
  }

  /** A page of executions; steps come without their stored bodies (a page of 200 must not carry 200 × 10 MiB). */
  async list(teamId: string, q: ListExecutionsQuery): Promise<{ items: ExecutionSummaryView[]; total: number; page: number; pageSize: number }> {
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 20;
    const qb = this.repo.executions.createQueryBuilder('e').where('e.team_id = :teamId', { teamId });
    if (q.flowId) qb.andWhere('e.flow_id = :flowId', { flowId: q.flowId });
    if (q.status) qb.andWhere('e.status = :status', { status: q.status });
    if (q.trigger) qb.andWhere('e.trigger = :trigger', { trigger: q.trigger });
    if (q.from) qb.andWhere('e.created_at >= :from', { from: q.from });
    if (q.to) qb.andWhere('e.created_at < :to', { to: q.to });
    const [rows, total] = await qb.orderBy('e.created_at', 'DESC').skip((page - 1) * pageSize).take(pageSize).getManyAndCount();
    const steps = await this.repo.stepSummaries(rows.map((r) => r.id));
    return { items: rows.map((r) => this.toView(r, steps.filter((s) => s.executionId === r.id))), total, page, pageSize };
  }

  /**
   * Cancels a run. A queued or delayed job is removed and the execution finished here; a running one
   * is flagged in the database (checked by the runner between steps) and signalled to every worker
   * over Redis so the one running it aborts the current step at once.
   */
  async cancel(teamId: string, id: string): Promise<ExecutionView> {
    const current = await this.get(teamId, id);
    if (['COMPLETED', 'FAILED', 'CANCELLED'].includes(current.status)) return current;
    await this.repo.executions.update({ id }, { cancelRequestedAt: new Date() });
    if (current.status === 'PENDING') {
      const job = await this.jobs.get(id, current.slotWaits);
      const removed = job ? await job.remove().then(() => true, () => false) : true;
      if (removed) {
        await this.progress.finish(current, 'CANCELLED', 'Cancelled before start');
        return this.get(teamId, id);
      }
    }
    await this.publisher.requestCancel(id);
    this.logger.log({ executionId: id }, 'Cancellation requested');
    return this.get(teamId, id);
  }

  /** Whether `cancel` recorded a request for the run: a cancel message over Redis alone is not trusted. */
  async isCancelRequested(id: string): Promise<boolean> {
    const row = await this.repo.executions.findOne({ where: { id }, select: { id: true, cancelRequestedAt: true } });
    return !!row?.cancelRequestedAt;
  }
}

/** The PENDING step rows a new execution of `flow` starts with. */
export function newStepsOf(flow: FlowVersionSnapshot): NewExecutionStep[] {
  return flow.steps.map((s, stepIndex) => ({ stepIndex, stepId: s.id, name: s.name, type: s.type, background: !!s.runInBackground }));
}

/** The problem of a run's `timeoutMs` above the service's budget (EXECUTION_MAX_DURATION_SEC), named at `field`. */
export function timeoutProblem(parameters: ExecutionParameters | undefined, field: string, config: AppConfig): FieldProblem | undefined {
  const maxMs = config.EXECUTION_MAX_DURATION_SEC * 1000;
  return (parameters?.timeoutMs ?? 0) > maxMs ? { field, message: `timeoutMs may lower the execution time budget of ${maxMs} ms, not raise it` } : undefined;
}
