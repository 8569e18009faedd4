import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { ExecutionStatus } from '../../executions/execution-status';
import { ExecutionProgressService } from '../../executions/execution-progress.service';
import { ExecutionsService } from '../../executions/executions.service';
import type { SuiteRunCounts, SuiteRunUpdate } from '../live/suite-run-update';
import { SuiteRunUpdatePublisher } from '../live/suite-run-update.publisher';
import { SuiteNotificationsService } from '../notifications/suite-notifications.service';
import { finalStatus, type SuiteRunStatus } from './suite-run-status';

type PendingEvent = Pick<SuiteRunUpdate, 'updateType' | 'execution' | 'message'>;

interface PassResult {
  teamId: string;
  dispatch: string[];
  cancel: string[];
  finished: boolean;
  final?: SuiteRunUpdate;
}

/** TypeORM answers `UPDATE ... RETURNING` with [rows, affected] and SELECT with rows. */
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as T[];
}

/**
 * Drives suite runs. All executions of a run are created up front as PENDING rows; this class hands
 * them to the executions queue as slots free up (maxParallel, or 1 in sequential mode, in entry order),
 * cancels the rest on fail-fast or cancel, recomputes the counts and finishes the run.
 *
 * One "pass" runs in a transaction holding the suite run's row lock (SELECT ... FOR UPDATE), so passes
 * of one run are serialised across all processes, and recomputes the counts from the executions table
 * in a single UPDATE — never read-modify-write in memory — so any number of executions finishing at
 * once cannot lose a count: whichever pass runs last sees every committed finish. A pass is idempotent:
 * running it again (reconciler, duplicate event) changes nothing that is already right.
 *
 * The counts read the executions table directly (by suite_run_id): that aggregate is what a suite run
 * is, and doing it in the same statement is what makes it race-free; ExecutionsService stays the only
 * writer of executions.
 */
@Injectable()
export class SuiteRunOrchestrator implements OnModuleInit {
  private readonly logger = new Logger(SuiteRunOrchestrator.name);
  /** Runs with a pass in progress in this process; a call meanwhile asks for one more pass. */
  private readonly active = new Map<string, { again: boolean; requeue: boolean }>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly executions: ExecutionsService,
    private readonly progress: ExecutionProgressService,
    private readonly publisher: SuiteRunUpdatePublisher,
    private readonly notifications: SuiteNotificationsService,
  ) {}

  onModuleInit(): void {
    // Called in whichever process finished the execution: the worker that ran it, or the API that
    // cancelled it before it started.
    this.progress.onExecutionFinished(async (execution) => {
      if (execution.suiteRunId) await this.advance(execution.suiteRunId);
    });
  }

  /**
   * Brings the run up to date. Calls for a run that is already being advanced in this process return
   * at once and make the running loop do one more pass (which sees their change) — this also keeps the
   * cancel → execution finished → advance chain from recursing.
   * `requeue` re-queues executions that were dispatched but are still PENDING (after a crash between
   * commit and enqueue); queueing is idempotent (job id = execution id).
   */
  async advance(suiteRunId: string, options: { requeue?: boolean } = {}): Promise<void> {
    const running = this.active.get(suiteRunId);
    if (running) {
      running.again = true;
      running.requeue ||= !!options.requeue;
      return;
    }
    const state = { again: true, requeue: !!options.requeue };
    this.active.set(suiteRunId, state);
    try {
      while (state.again) {
        state.again = false;
        const requeue = state.requeue;
        state.requeue = false;
        await this.pass(suiteRunId, requeue);
      }
    } finally {
      this.active.delete(suiteRunId);
    }
  }

  private async pass(suiteRunId: string, requeue: boolean): Promise<void> {
    const result = await this.db.transaction((m) => this.passInTransaction(m, suiteRunId, requeue));
    if (!result) return;
    if (result.final) await this.publisher.publish(result.final);
    for (const executionId of result.dispatch) {
      await this.executions.enqueue({ id: executionId, teamId: result.teamId, parameters: {} });
    }
    for (const executionId of result.cancel) {
      // Each cancel finishes the execution (PENDING: here; running: in its worker), which calls advance
      // again; that call only schedules another pass of the loop above.
      await this.executions.cancel(result.teamId, executionId).catch((err: unknown) => this.logger.error({ err, suiteRunId, executionId }, 'Could not cancel an execution of a suite run'));
    }
    if (result.finished) {
      await this.notifications.runFinished(suiteRunId).catch((err: unknown) => this.logger.error({ err, suiteRunId }, 'Could not queue the notifications of a suite run'));
    }
  }

  private async passInTransaction(m: EntityManager, suiteRunId: string, requeue: boolean): Promise<PassResult | undefined> {
    const [run] = rowsOf<{ team_id: string; status: SuiteRunStatus; mode: string; fail_fast: boolean; max_parallel: number; cancel_requested_at: Date | null; stop_reason: string | null; seq: number }>(
      await m.query(
        `SELECT team_id, status, mode, fail_fast, max_parallel, cancel_requested_at, stop_reason, seq FROM suite_runs WHERE id = $1 FOR UPDATE`,
        [suiteRunId],
      ),
    );
    if (!run || run.status !== 'IN_PROGRESS') return undefined;

    const [counts] = rowsOf<SuiteRunCounts>(
      await m.query(
        `UPDATE suite_runs r
            SET passed = c.passed, failed = c.failed, cancelled = c.cancelled, pending = c.pending, running = c.running
           FROM (SELECT count(*) FILTER (WHERE e.status = 'COMPLETED')::int   AS passed,
                        count(*) FILTER (WHERE e.status = 'FAILED')::int      AS failed,
                        count(*) FILTER (WHERE e.status = 'CANCELLED')::int   AS cancelled,
                        count(*) FILTER (WHERE e.status = 'PENDING')::int     AS pending,
                        count(*) FILTER (WHERE e.status = 'IN_PROGRESS')::int AS running
                   FROM executions e WHERE e.suite_run_id = $1) c
          WHERE r.id = $1
      RETURNING r.total, r.passed, r.failed, r.cancelled, r.pending, r.running`,
        [suiteRunId],
      ),
    );

    // Executions that reached a terminal state since the last pass: announced exactly once.
    const finished = rowsOf<{ position: number; execution_id: string; flow_name: string; status: ExecutionStatus; error: string | null; finished_at: Date | null }>(
      await m.query(
        `UPDATE suite_run_items i SET reported_status = e.status
           FROM executions e
          WHERE e.id = i.execution_id AND i.suite_run_id = $1
            AND e.status IN ('COMPLETED', 'FAILED', 'CANCELLED') AND i.reported_status IS DISTINCT FROM e.status
      RETURNING i.position, i.execution_id, i.flow_name, e.status, e.error, e.finished_at`,
        [suiteRunId],
      ),
    ).sort((a, b) => (a.finished_at?.getTime() ?? 0) - (b.finished_at?.getTime() ?? 0) || a.position - b.position);
    const events: PendingEvent[] = finished.map((f) => ({
      updateType: 'EXECUTION_FINISHED',
      execution: { executionId: f.execution_id, position: f.position, flowName: f.flow_name, status: f.status, error: f.error },
    }));

    let stopReason = run.stop_reason;
    if (!stopReason && run.cancel_requested_at) stopReason = 'cancelled on request';
    if (!stopReason && run.fail_fast && counts.failed > 0) {
      const [first] = rowsOf<{ flow_name: string }>(
        await m.query(
          `SELECT i.flow_name FROM suite_run_items i JOIN executions e ON e.id = i.execution_id
            WHERE i.suite_run_id = $1 AND e.status = 'FAILED' ORDER BY e.finished_at, i.position LIMIT 1`,
          [suiteRunId],
        ),
      );
      stopReason = `fail-fast: "${first?.flow_name ?? 'a flow'}" failed`;
    }

    let dispatch: string[] = [];
    let cancel: string[] = [];
    if (stopReason) {
      if (!run.stop_reason) events.push({ updateType: 'RUN_STOPPING', message: stopReason });
      cancel = rowsOf<{ execution_id: string }>(
        await m.query(
          `SELECT i.execution_id FROM suite_run_items i JOIN executions e ON e.id = i.execution_id
            WHERE i.suite_run_id = $1 AND e.status IN ('PENDING', 'IN_PROGRESS') ORDER BY i.position`,
          [suiteRunId],
        ),
      ).map((r) => r.execution_id);
    } else {
      const limit = run.mode === 'sequential' ? 1 : run.max_parallel;
      const [{ active }] = rowsOf<{ active: number }>(
        await m.query(
          `SELECT count(*)::int AS active FROM suite_run_items i JOIN executions e ON e.id = i.execution_id
            WHERE i.suite_run_id = $1 AND i.dispatched_at IS NOT NULL AND e.status IN ('PENDING', 'IN_PROGRESS')`,
          [suiteRunId],
        ),
      );
      if (limit - active > 0) {
        const queued = rowsOf<{ position: number; execution_id: string; flow_name: string }>(
          await m.query(
            `UPDATE suite_run_items SET dispatched_at = now()
              WHERE suite_run_id = $1 AND position IN (
                    SELECT i.position FROM suite_run_items i JOIN executions e ON e.id = i.execution_id
                     WHERE i.suite_run_id = $1 AND i.dispatched_at IS NULL AND e.status = 'PENDING'
                     ORDER BY i.position LIMIT $2)
          RETURNING position, execution_id, flow_name`,
            [suiteRunId, limit - active],
          ),
        ).sort((a, b) => a.position - b.position);
        dispatch = queued.map((q) => q.execution_id);
        events.push(
          ...queued.map((q): PendingEvent => ({
            updateType: 'EXECUTION_QUEUED',
            execution: { executionId: q.execution_id, position: q.position, flowName: q.flow_name, status: 'PENDING' },
          })),
        );
      }
      if (requeue) {
        const stragglers = rowsOf<{ execution_id: string }>(
          await m.query(
            `SELECT i.execution_id FROM suite_run_items i JOIN executions e ON e.id = i.execution_id
              WHERE i.suite_run_id = $1 AND i.dispatched_at < now() - interval '5 seconds' AND e.status = 'PENDING'
                AND e.waiting_reason IS NULL`, // a run waiting for a team slot is promoted by finishing runs and the execution reconciler
            [suiteRunId],
          ),
        );
        dispatch.push(...stragglers.map((s) => s.execution_id));
      }
    }

    const done = counts.pending + counts.running === 0;
    const status: SuiteRunStatus = done ? finalStatus(counts, !!run.cancel_requested_at) : 'IN_PROGRESS';
    if (done) events.push({ updateType: 'RUN_FINISHED', message: `Suite run ${status.toLowerCase()}` });
    await m.query(
      `UPDATE suite_runs r
          SET seq = seq + $2::int, stop_reason = COALESCE(stop_reason, $3::text), status = $4::varchar,
              finished_at = CASE WHEN $4::varchar = 'IN_PROGRESS' THEN finished_at ELSE now() END,
              previous_status = CASE WHEN $4::varchar = 'IN_PROGRESS' THEN previous_status ELSE
                (SELECT p.status FROM suite_runs p
                  WHERE p.suite_id = r.suite_id AND p.id <> r.id AND p.finished_at IS NOT NULL
                  ORDER BY p.finished_at DESC LIMIT 1) END
        WHERE id = $1`,
      [suiteRunId, events.length, stopReason, status],
    );
    // Published while the row lock is held, so updates of one run reach Redis in seq order even when
    // passes run in different processes. RUN_FINISHED is the exception: it goes out after the commit,
    // so whoever reacts to it reads the finished run (no pass publishes anything after it).
    const at = new Date().toISOString();
    const updates = events.map((event, i): SuiteRunUpdate => ({ ...event, suiteRunId, teamId: run.team_id, seq: run.seq + 1 + i, status, counts, at }));
    const final = done ? updates.pop() : undefined;
    for (const update of updates) await this.publisher.publish(update);
    return { teamId: run.team_id, dispatch, cancel, finished: done, final };
  }
}
