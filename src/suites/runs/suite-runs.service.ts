import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Job } from 'bullmq';
import type { DataSource, EntityManager } from 'typeorm';
import { AppException } from '../../common/errors/app.exception';
import { ExecutionsService, type ExecutionView } from '../../executions/executions.service';
import { ExecutionRerunService } from '../../executions/rerun/execution-rerun.service';
import type { TeamContext } from '../../identity/tenancy/principal';
import type { ListSuiteRunsQuery } from '../dto/suite-run.dto';
import { SuiteNotificationsService } from '../notifications/suite-notifications.service';
import { SuiteSchedulesService } from '../schedules/suite-schedules.service';
import type { SuiteVariable } from '../suite-definition';
import { ScheduledSuiteRunJob, parseJobData } from '../suites-queue.jobs';
import { SuitesService } from '../suites.service';
import { SuiteRunOrchestrator } from './suite-run-orchestrator.service';
import { SuiteRunStore } from './suite-run-store';
import type { SuiteRunTrigger } from './suite-run-status';
import type { SuiteRun } from './suite-run.entity';
import { type SuiteRunSummaryView, type SuiteRunView, toSuiteRunSummary } from './suite-run-view';

export interface StartOptions {
  trigger: SuiteRunTrigger;
  variables?: SuiteVariable[];
  /** Scheduler job id: a tick that is delivered twice starts one run. */
  triggerKey?: string;
  scheduledFor?: Date;
  /** The inbound alert delivery that starts it (trigger `alert`). */
  alertDeliveryId?: string;
}

/** Starting, reading and cancelling suite runs; the orchestrator moves them along. */
@Injectable()
export class SuiteRunsService {
  private readonly logger = new Logger(SuiteRunsService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly suites: SuitesService,
    private readonly executions: ExecutionsService,
    private readonly reruns: ExecutionRerunService,
    private readonly orchestrator: SuiteRunOrchestrator,
    private readonly store: SuiteRunStore,
    private readonly schedules: SuiteSchedulesService,
    private readonly notifications: SuiteNotificationsService,
  ) {}

  /**
   * Checks every entry against its flow again (flows change), then in one transaction writes the run,
   * one PENDING execution per entry (pinned to the version resolved now) and the run's items; then the
   * first pass queues as many as the mode allows. Returns undefined for a duplicate schedule tick.
   */
  async start(team: Pick<TeamContext, 'teamId' | 'userId'>, suiteId: string, options: StartOptions): Promise<SuiteRunView | undefined> {
    const suite = await this.suites.find(team.teamId, suiteId);
    if (!suite.enabled) throw AppException.conflict('The suite is disabled; enable it to run it');
    const resolved = await this.suites.resolveEntries(
      team.teamId,
      suite.entries,
      [{ field: 'suite.variables', variables: suite.variables }],
      options.variables?.length ? { field: 'variables', variables: options.variables } : undefined,
    );
    const runId = await this.db.transaction(async (m) => {
      const id = await this.insertRun(m, team, { suiteId: suite.id, suiteName: suite.name, mode: suite.mode, failFast: suite.failFast, maxParallel: suite.maxParallel }, resolved.length, options);
      if (!id) return undefined;
      for (const entry of resolved) {
        const execution = await this.executions.createPending(
          team,
          { flowId: entry.flow.flowId, version: entry.flow.version, variables: entry.variables },
          'suite',
          id,
          m,
        );
        await this.insertItem(m, id, entry.position, execution);
      }
      return id;
    });
    if (!runId) return undefined;
    await this.orchestrator.advance(runId);
    return this.store.view(team.teamId, runId);
  }

  /**
   * A new run of a finished suite run's flows — all of them, or with `failedOnly` those that did not
   * pass — each a re-run of its execution there (same pinned version and stored variables, rerunOf
   * links it), in the original run's mode; the new run's rerunOf names the original.
   */
  async rerun(team: Pick<TeamContext, 'teamId' | 'userId'>, id: string, failedOnly: boolean): Promise<SuiteRunView> {
    const original = await this.store.find(team.teamId, id);
    if (original.status === 'IN_PROGRESS') throw AppException.conflict('The suite run is still running; re-run it once it has finished');
    const suite = await this.suites.find(team.teamId, original.suiteId);
    if (!suite.enabled) throw AppException.conflict('The suite is disabled; enable it to run it');
    const [items, executions] = await Promise.all([this.store.itemsOf(original.id), this.executions.listForSuiteRun(team.teamId, original.id, { withSteps: false })]);
    const passed = new Set(executions.filter((e) => e.status === 'COMPLETED').map((e) => e.id));
    const chosen = failedOnly ? items.filter((i) => !passed.has(i.executionId)) : items;
    if (!chosen.length) throw AppException.conflict('Every flow of the suite run passed: with failedOnly=true there is nothing to re-run');
    const runId = await this.db.transaction(async (m) => {
      const runId = (await this.insertRun(m, team, { ...original, suiteName: suite.name }, chosen.length, { trigger: 'api', rerunOf: original.id }))!;
      for (const item of chosen) {
        const execution = await this.reruns.createPending(team, item.executionId, { trigger: 'suite', suiteRunId: runId }, m);
        await this.insertItem(m, runId, item.position, execution);
      }
      return runId;
    });
    await this.orchestrator.advance(runId);
    return this.store.view(team.teamId, runId);
  }

  /** The run row, IN_PROGRESS with every execution pending; undefined for a duplicate schedule tick (its trigger key exists). */
  private async insertRun(
    m: EntityManager,
    team: Pick<TeamContext, 'teamId' | 'userId'>,
    settings: Pick<SuiteRun, 'suiteId' | 'suiteName' | 'mode' | 'failFast' | 'maxParallel'>,
    total: number,
    options: StartOptions & { rerunOf?: string },
  ): Promise<string | undefined> {
    const inserted: Array<{ id: string }> = await m.query(
      `INSERT INTO suite_runs (team_id, suite_id, suite_name, status, trigger, trigger_key, scheduled_for, mode, fail_fast, max_parallel, total, pending, user_id, started_at, alert_delivery_id, rerun_of)
       VALUES ($1, $2, $3, 'IN_PROGRESS', $4, $5, $6, $7, $8, $9, $10, $10, $11, now(), $12, $13)
       ON CONFLICT (trigger_key) DO NOTHING RETURNING id`,
      [
        team.teamId,
        settings.suiteId,
        settings.suiteName,
        options.trigger,
        options.triggerKey ?? null,
        options.scheduledFor ?? null,
        settings.mode,
        settings.failFast,
        settings.maxParallel,
        total,
        team.userId,
        options.alertDeliveryId ?? null,
        options.rerunOf ?? null,
      ],
    );
    return inserted[0]?.id;
  }

  private async insertItem(m: EntityManager, suiteRunId: string, position: number, execution: Pick<ExecutionView, 'id' | 'flowId' | 'flowVersion' | 'flowName'>): Promise<void> {
    await m.query(
      `INSERT INTO suite_run_items (suite_run_id, position, execution_id, flow_id, flow_version, flow_name) VALUES ($1, $2, $3, $4, $5, $6)`,
      [suiteRunId, position, execution.id, execution.flowId, execution.flowVersion, execution.flowName],
    );
  }

  /** A schedule tick (worker). A suite disabled or unscheduled since loses its scheduler here. */
  async startScheduled(job: Job): Promise<void> {
    const data = parseJobData(ScheduledSuiteRunJob, job.data);
    const suite = await this.suites.find(data.teamId, data.suiteId).catch(() => undefined);
    if (!suite || !this.schedules.isActive(suite)) {
      await (suite ? this.schedules.sync(suite) : this.schedules.remove(data.suiteId));
      return;
    }
    const tick = Number(String(job.id).split(':').pop());
    try {
      const run = await this.start({ teamId: data.teamId, userId: null }, suite.id, {
        trigger: 'schedule',
        triggerKey: String(job.id),
        scheduledFor: new Date(Number.isFinite(tick) && tick > 0 ? tick : job.timestamp),
      });
      if (!run) this.logger.warn({ suiteId: suite.id, jobId: job.id }, 'Schedule tick already started a run');
    } catch (error) {
      // A suite whose flows no longer match cannot start; retrying the tick would not fix it.
      if (error instanceof AppException) this.logger.warn({ suiteId: suite.id, err: error }, `Scheduled run not started: ${error.message}`);
      else throw error;
    }
  }

  get(teamId: string, id: string): Promise<SuiteRunView> {
    return this.store.view(teamId, id);
  }

  async list(teamId: string, q: ListSuiteRunsQuery): Promise<{ items: SuiteRunSummaryView[]; total: number; page: number; pageSize: number }> {
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 20;
    const qb = this.store.runs.createQueryBuilder('r').where('r.teamId = :teamId', { teamId });
    if (q.suiteId) qb.andWhere('r.suiteId = :suiteId', { suiteId: q.suiteId });
    if (q.status) qb.andWhere('r.status = :status', { status: q.status });
    if (q.trigger) qb.andWhere('r.trigger = :trigger', { trigger: q.trigger });
    const [rows, total] = await qb.orderBy('r.createdAt', 'DESC').addOrderBy('r.id', 'DESC').skip((page - 1) * pageSize).take(pageSize).getManyAndCount();
    return { items: rows.map(toSuiteRunSummary), total, page, pageSize };
  }

  /** Flags the run, then a pass cancels every execution not finished yet; the run ends CANCELLED. */
  async cancel(teamId: string, id: string): Promise<SuiteRunView> {
    const run = await this.store.find(teamId, id);
    if (run.status === 'IN_PROGRESS') {
      await this.store.runs.query(`UPDATE suite_runs SET cancel_requested_at = COALESCE(cancel_requested_at, now()) WHERE id = $1 AND status = 'IN_PROGRESS'`, [run.id]);
      await this.orchestrator.advance(run.id);
    }
    return this.store.view(teamId, id);
  }

  /**
   * Safety net run periodically by a worker: advance every active run (re-queueing executions that
   * were dispatched but never queued) and queue notifications a crash left unsent.
   */
  async reconcile(): Promise<{ advanced: number; notified: number }> {
    const active: Array<{ id: string }> = await this.store.runs.query(`SELECT id FROM suite_runs WHERE status = 'IN_PROGRESS' ORDER BY created_at LIMIT 1000`);
    for (const { id } of active) await this.orchestrator.advance(id, { requeue: true });
    const unnotified = await this.notifications.unnotifiedRunIds();
    for (const id of unnotified) await this.notifications.runFinished(id);
    return { advanced: active.length, notified: unnotified.length };
  }
}
