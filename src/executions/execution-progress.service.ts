import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { isTransientDbError, withDbRetry } from '../database/db-retry';
import { preparedQuery } from '../database/prepared-query';
import type { AssertionResult } from '../flow-language/assertions/assertion';
import { ExecutionJobQueue } from './execution-job-queue';
import type { ExecutionStatus, StepStatus } from './execution-status';
import type { ExecutionStatusUpdate } from './execution-update';
import { ExecutionUpdatePublisher } from './execution-update.publisher';
import { FRESH_CLAIM_SQL, GATED_CLAIM_SQL, RESUME_CLAIM_SQL } from './progress/claim-sql';
import { FinishedStepsTally } from './progress/finished-steps-tally';
import { MonotonicClock } from './progress/monotonic-clock';
import { ProgressLane, type StepWrite } from './progress/progress-lane';
import { toStorableBatch, toStorableJson, toStorableText } from './progress/storable-json';
import { ResultBudget } from './progress/stored-result';
import { ExecutionsRepository, type FinishedExecutionSummary } from './executions.repository';
import type { Execution } from './execution.entity';
import type { ExecutionStep } from './execution-step.entity';

export interface StepOutcome {
  status: StepStatus;
  /** Substituted config that ran, secrets redacted. */
  request?: unknown;
  response?: unknown;
  assertions?: AssertionResult[];
  /** What the plugin logged (`ctx.log`), already bounded and redacted; absent when nothing. */
  logs?: string[];
  attempts: number;
  error?: string | null;
  durationMs: number;
  /** ERROR of a step with allowFailure: reported, does not fail the execution. */
  warning?: boolean;
}

/** A run a worker claimed: the execution as claimed, its step rows as read, and the step the claim started (-1: none). */
export interface ClaimedExecution {
  execution: Execution;
  steps: ExecutionStep[];
  startedStepIndex: number;
}

/** A finished execution as its listeners get it. */
export interface FinishedExecution {
  id: string;
  teamId: string;
  suiteRunId: string | null;
  status: ExecutionStatus;
  /**
   * What it ran, from this worker's memory (no read-back): absent when this process finished a run it
   * did not claim, and then a listener that needs it reads the stored rows.
   */
  summary?: FinishedExecutionSummary;
}

/** Called after an execution reached a terminal state and its row was written. */
export type ExecutionFinishedListener = (execution: FinishedExecution) => Promise<void>;

/**
 * CTEs applying a batch of step transitions (see ProgressLane), given as a jsonb array in $2: absent
 * fields keep their value. `w` lists the batch's step indexes for statements that add to it.
 */
const STEP_WRITES_CTE = `
  w AS (SELECT (d->>'stepIndex')::int AS step_index, d FROM jsonb_array_elements($2::jsonb) AS d),
  s AS (UPDATE execution_steps s SET
          status = w.d->>'status',
          request = CASE WHEN w.d ? 'request' THEN NULLIF(w.d->'request', 'null'::jsonb) ELSE s.request END,
          response = CASE WHEN w.d ? 'response' THEN NULLIF(w.d->'response', 'null'::jsonb) ELSE s.response END,
          assertions = COALESCE(w.d->'assertions', s.assertions),
          logs = CASE WHEN w.d ? 'logs' THEN w.d->'logs' ELSE s.logs END,
          attempts = COALESCE((w.d->>'attempts')::int, s.attempts),
          error = CASE WHEN w.d ? 'error' THEN w.d->>'error' ELSE s.error END,
          started_at = COALESCE((w.d->>'startedAt')::timestamptz, s.started_at, (w.d->>'finishedAt')::timestamptz),
          finished_at = COALESCE((w.d->>'finishedAt')::timestamptz, s.finished_at),
          duration_ms = COALESCE((w.d->>'durationMs')::int, s.duration_ms),
          child_execution_id = COALESCE((w.d->>'childExecutionId')::uuid, s.child_execution_id),
          warning = COALESCE((w.d->>'warning')::boolean, s.warning)
        FROM w WHERE s.execution_id = $1 AND s.step_index = w.step_index)`;

/** One batch of transitions, the execution's seq and its stored bytes so far (see ResultBudget). */
const WRITE_STEPS_SQL = `WITH ${STEP_WRITES_CTE}
  UPDATE executions SET seq = $3, stored_bytes = $4 WHERE id = $1`;

/**
 * The end of a run in one statement: the transitions still queued, the steps that never finished
 * (CANCELLED on cancel, else SKIPPED; the batch's own steps are excluded — one statement must not
 * update a row twice), and the execution's terminal state.
 */
const FINISH_SQL = `WITH ${STEP_WRITES_CTE},
  l AS (UPDATE execution_steps SET status = $5, finished_at = COALESCE(finished_at, now())
         WHERE execution_id = $1 AND status IN ('PENDING', 'IN_PROGRESS') AND step_index <> ALL (SELECT step_index FROM w))
  UPDATE executions SET status = $4, error = $6, finished_at = now(), seq = $3, stored_bytes = $7, outputs = $8::jsonb, waiting_reason = NULL, warnings = $10 WHERE id = $1
  RETURNING ats_team_has_waiting($9::uuid) AS team_has_waiting`;

/**
 * The engine's only way to record progress. Sequence numbers are allocated in memory — an execution
 * is driven by exactly one worker at a time — starting from the value persisted by the previous attempt.
 *
 * Step transitions go through a write-behind ProgressLane per execution: the runner goes on with the
 * next step while the previous transition is stored, and transitions that queue up meanwhile are stored
 * together in one statement (step rows and the execution's seq), then published in order (one pipelined
 * Redis write). Claim and finish are written directly and wait for the lane first.
 *
 * Every statement here is idempotent (it sets values — seq, attempt, recoveries and timestamps are
 * computed before the first try), so each is retried on a transient connection failure. A lost live
 * update is tolerated (clients resync from a snapshot); the next batch of the same execution waits for
 * the previous batch's publishes, which bounds what is in flight.
 */
@Injectable()
export class ExecutionProgressService {
  private readonly lanes = new Map<string, ProgressLane>();
  /** What each running execution has stored of step results so far: caps what it may still store. */
  private readonly budgets = new Map<string, ResultBudget>();
  /** The latest publishes of each running execution, awaited before its next ones (backpressure). */
  private readonly publishing = new Map<string, Promise<unknown>>();
  /** The steps each running execution ran (for its finished listeners), see FinishedStepsTally. */
  private readonly tallies = new Map<string, FinishedStepsTally>();
  private readonly finishedListeners: ExecutionFinishedListener[] = [];
  private readonly clock = new MonotonicClock();
  private readonly logger = new Logger(ExecutionProgressService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly executions: ExecutionsRepository,
    private readonly publisher: ExecutionUpdatePublisher,
    private readonly jobs: ExecutionJobQueue,
    private readonly config: AppConfig,
  ) {}

  /**
   * Lets modules that build on executions (suites) react to finished runs without executions
   * depending on them. Listener failures are logged, never propagated into the run.
   */
  onExecutionFinished(listener: ExecutionFinishedListener): void {
    this.finishedListeners.push(listener);
  }

  /**
   * Marks the execution IN_PROGRESS for a new attempt. Returns undefined when it must not run: already
   * terminal, cancelled before start (then it is finished as CANCELLED here), or its team is at its
   * concurrency limit — then it stays PENDING with the reason (stored and published), its job ends, and
   * a finishing run of the team (or the reconciler) queues it again when a slot frees.
   * `jobSlotWaits` (from the job id) tells a job of an earlier wait, which must not drive the run: a
   * promoted run is driven by its promotion's job, and two jobs must never run it at once.
   * `subFlowChild`: a sub-flow's child, claimed inside its parent's slot (never gated, never fresh-claimed).
   */
  async claim(
    executionId: string,
    reason: string | undefined,
    jobSlotWaits?: number,
    subFlowChild = false,
  ): Promise<ClaimedExecution | undefined> {
    // A top-level run that never started is read and claimed in one statement (`reason` only matters
    // to a run that did start); anything else falls through to the read-then-claim path below.
    const fresh = subFlowChild ? undefined : await this.claimFresh(executionId, jobSlotWaits);
    if (fresh) return fresh.claimed;
    const current = await withDbRetry(() => this.executions.findWithSteps(executionId));
    if (!current || ['COMPLETED', 'FAILED', 'CANCELLED'].includes(current.execution.status)) return undefined;
    if (jobSlotWaits !== undefined && jobSlotWaits !== current.execution.slotWaits) return undefined;
    const lane = this.openLane(current.execution);
    this.tallies.set(executionId, new FinishedStepsTally(current.steps));
    if (current.execution.cancelRequestedAt) {
      await this.finish(current.execution, 'CANCELLED', 'Cancelled before start');
      return undefined;
    }
    const resumed = current.execution.status === 'IN_PROGRESS';
    // A sub-flow's child runs in its parent's slot: it is never gated by the team's limit.
    const ungated = resumed || current.execution.parentExecutionId !== null;
    const resumeFrom = current.steps.findIndex((s) => !['SUCCESS', 'ERROR', 'SKIPPED'].includes(s.status));
    const recovery = resumed
      ? [{ attempt: current.execution.attempt + 1, at: new Date().toISOString(), reason: reason ?? 'previous worker stopped mid-run', resumedFromStep: resumeFrom }]
      : [];
    // The step the run certainly starts with (a foreground step after nothing but successes) is marked
    // IN_PROGRESS by this same statement: one statement fewer per run.
    const first = resumeFrom >= 0 && !current.steps[resumeFrom].background && current.steps.slice(0, resumeFrom).every((s) => s.status === 'SUCCESS') ? current.steps[resumeFrom] : undefined;
    const seq = lane.nextSeq();
    const firstSeq = first ? lane.nextSeq() : seq;
    // Absolute values computed from the row just read (one worker drives an execution at a time), so
    // re-sending the statement after a lost connection cannot count the attempt or the recovery twice.
    const [row] = await this.write<{ ok: boolean; reason: string | null; attempt: number; started_at: Date; slot_waits: number }>(
      ungated ? 'execution-claim-resume' : 'execution-claim',
      ungated ? RESUME_CLAIM_SQL : GATED_CLAIM_SQL,
      [
        executionId,
        JSON.stringify([...(current.execution.recoveries ?? []), ...recovery]),
        firstSeq,
        current.execution.attempt + 1,
        first?.stepIndex ?? -1,
        ...(ungated ? [] : [current.execution.teamId, this.config.TEAM_MAX_CONCURRENT_EXECUTIONS, this.config.TEAM_MAX_CONCURRENT_EXECUTIONS_CEILING, seq]),
      ],
    ).catch((error: unknown) => {
      this.forget(executionId); // not claimed: nothing to keep for it
      throw error;
    });
    if (!row.ok) {
      this.waiting(current.execution, seq, row.reason);
      return undefined;
    }
    const execution = { ...current.execution, status: 'IN_PROGRESS' as const, attempt: row.attempt, startedAt: row.started_at };
    const message = resumed ? `Resumed by attempt ${execution.attempt}: ${recovery[0].reason}` : 'Execution started';
    return this.started(execution, current.steps, message, seq, first && { step: first, seq: firstSeq });
  }

  /**
   * FRESH_CLAIM_SQL: undefined when it does not apply (the run is not a fresh one, or the connection
   * failed — then the read-then-claim path reads the run as this statement left it), else its outcome.
   */
  private async claimFresh(executionId: string, jobSlotWaits: number | undefined): Promise<{ claimed: ClaimedExecution | undefined } | undefined> {
    type Row = Record<string, unknown> & { steps_json: Record<string, unknown>[]; claim_ok: boolean; claim_reason: string | null; claimed_attempt: number; claimed_started_at: Date; first_started: boolean };
    let row: Row | undefined;
    try {
      [row] = await preparedQuery<Row>(this.db, 'execution-claim-fresh', FRESH_CLAIM_SQL, [
        executionId,
        jobSlotWaits ?? null,
        this.config.TEAM_MAX_CONCURRENT_EXECUTIONS,
        this.config.TEAM_MAX_CONCURRENT_EXECUTIONS_CEILING,
      ]);
    } catch (error) {
      if (isTransientDbError(error)) return undefined;
      throw error;
    }
    if (!row) return undefined;
    const { execution: before, steps } = this.executions.withSteps(row);
    const lane = this.openLane(before);
    this.tallies.set(executionId, new FinishedStepsTally(steps));
    // The same seq arithmetic as the statement's: +1, and +1 more for the first step it started.
    const seq = lane.nextSeq();
    if (!row.claim_ok) {
      this.waiting(before, seq, row.claim_reason);
      return { claimed: undefined };
    }
    const first = row.first_started ? steps[0] : undefined;
    const firstSeq = first ? lane.nextSeq() : seq;
    const execution = { ...before, status: 'IN_PROGRESS' as const, attempt: row.claimed_attempt, startedAt: row.claimed_started_at };
    return { claimed: this.started(execution, steps, 'Execution started', seq, first && { step: first, seq: firstSeq }) };
  }

  /** A claim found the team full: the run waits without this worker (the promotion's claim opens a new lane). */
  private waiting(execution: Execution, seq: number, reason: string | null): void {
    this.publish(execution.id, [this.update(execution, seq, 'EXECUTION_WAITING', reason ?? 'waiting for a team slot')]);
    this.forget(execution.id);
  }

  /**
   * A claimed run: tells live clients it started (and its first step, when the claim started that too).
   * The claim stored these (its seq counts them), so they go through the lane as updates without writes:
   * paced like the run's other updates, they leave with its first batch, or with its finish when the run
   * ends within the interval — a fast run sends one message instead of two.
   */
  private started(execution: Execution, steps: ExecutionStep[], message: string, seq: number, first?: { step: ExecutionStep; seq: number }): ClaimedExecution {
    const lane = this.laneOf(execution);
    lane.markWritten(); // the claim was a write: the lane's first batch is paced from it
    void lane.push([], [
      this.update(execution, seq, 'EXECUTION_STARTED', message),
      ...(first ? [{ ...this.update(execution, first.seq, 'STEP_STARTED'), stepUpdate: { stepIndex: first.step.stepIndex, stepId: first.step.stepId, name: first.step.name, status: 'IN_PROGRESS' as const } }] : []),
    ]);
    return { execution, steps, startedStepIndex: first?.step.stepIndex ?? -1 };
  }

  /** Marks a step IN_PROGRESS. Settles when stored; the runner need not wait (order is kept by the lane). */
  stepStarted(execution: Execution, step: ExecutionStep, request: unknown): Promise<void> {
    const lane = this.laneOf(execution);
    const stored = request == null ? null : this.budgetOf(execution).store(request).json;
    return lane.push(
      [{ stepIndex: step.stepIndex, status: 'IN_PROGRESS', request: stored, startedAt: this.clock.now(), error: null }],
      [{ ...this.update(execution, lane.nextSeq(), 'STEP_STARTED'), stepUpdate: { stepIndex: step.stepIndex, stepId: step.stepId, name: step.name, status: 'IN_PROGRESS' } }],
    );
  }

  /**
   * Records a step's outcome. With `next`, the step that runs next is marked IN_PROGRESS in the same
   * batch (what stepStarted does), stamped strictly after this step's end.
   */
  stepFinished(execution: Execution, step: ExecutionStep, outcome: StepOutcome, next?: ExecutionStep): Promise<void> {
    const lane = this.laneOf(execution);
    const finishedAt = this.clock.now();
    const durationMs = Math.round(outcome.durationMs);
    if (outcome.status === 'SUCCESS' || outcome.status === 'ERROR') this.tallies.get(execution.id)?.record(step.stepIndex, step.type, outcome.status, outcome.attempts, durationMs);
    // Cut to the result caps once, here: the same stored form goes to the row and to the live stream.
    const budget = this.budgetOf(execution);
    const response = outcome.response == null ? undefined : budget.store(outcome.response);
    const writes: StepWrite[] = [
      {
        stepIndex: step.stepIndex,
        status: outcome.status,
        response: response?.json ?? null,
        assertions: budget.storeAssertions(outcome.assertions ?? []).json,
        attempts: outcome.attempts,
        error: outcome.error ?? null,
        finishedAt,
        durationMs,
        warning: outcome.warning === true,
        // Only when there are some: a step that logs nothing adds nothing to the batch.
        ...(outcome.logs?.length && { logs: outcome.logs }),
        ...(outcome.request !== undefined && { request: outcome.request === null ? null : budget.store(outcome.request).json }),
      },
    ];
    const updates: ExecutionStatusUpdate[] = [
      {
        ...this.update(execution, lane.nextSeq(), 'STEP_FINISHED'),
        stepUpdate: {
          stepIndex: step.stepIndex,
          stepId: step.stepId,
          name: step.name,
          status: outcome.status,
          response: response?.value,
          error: outcome.error ?? null,
          attempts: outcome.attempts,
          durationMs,
          ...(outcome.logs?.length && { logs: outcome.logs }),
          ...(outcome.warning && { warning: true }),
        },
      },
    ];
    if (next) {
      writes.push({ stepIndex: next.stepIndex, status: 'IN_PROGRESS', request: null, startedAt: this.clock.now(), error: null });
      updates.push({
        ...this.update(execution, lane.nextSeq(), 'STEP_STARTED'),
        stepUpdate: { stepIndex: next.stepIndex, stepId: next.stepId, name: next.name, status: 'IN_PROGRESS' },
      });
    }
    return lane.push(writes, updates);
  }

  /**
   * Tells live clients that a started step waits for background steps it reads (`waitingFor`); not
   * stored (the step row stays IN_PROGRESS), the step's next update ends the wait.
   */
  stepWaiting(execution: Execution, step: ExecutionStep, waitingFor: string[]): void {
    const lane = this.laneOf(execution);
    void lane.push(
      [{ stepIndex: step.stepIndex, status: 'IN_PROGRESS' }],
      [{ ...this.update(execution, lane.nextSeq(), 'STEP_STARTED'), stepUpdate: { stepIndex: step.stepIndex, stepId: step.stepId, name: step.name, status: 'IN_PROGRESS', waitingFor } }],
    );
  }

  /** Settles when every transition recorded so far is stored; rejects if one could not be. */
  async drain(executionId: string): Promise<void> {
    await this.lanes.get(executionId)?.drain();
  }

  /** False once a transition of this execution could not be stored: the run should stop (finish says why). */
  isRecording(executionId: string): boolean {
    return !this.lanes.get(executionId)?.failed;
  }

  /**
   * Ends the execution; steps that never finished become CANCELLED (on cancel) or SKIPPED. Transitions
   * still queued are stored in the same statement. If an earlier batch could not be stored, the run
   * ends FAILED saying so, whatever its steps did.
   */
  async finish(
    execution: Execution,
    requested: ExecutionStatus,
    requestedError: string | null,
    outputs: Record<string, unknown> | null = null,
    warnings = 0,
  ): Promise<void> {
    const lane = this.laneOf(execution);
    const remaining = await lane.close();
    const lost = lane.failed;
    const status: ExecutionStatus = lost ? 'FAILED' : requested;
    const error = lost ? `internal error: step progress could not be stored: ${(lost as Error)?.message ?? String(lost)}` : requestedError;
    const leftover: StepStatus = status === 'CANCELLED' ? 'CANCELLED' : 'SKIPPED';
    const writes = remaining.writes.map((w) =>
      w.status === 'PENDING' || w.status === 'IN_PROGRESS' ? { ...w, status: leftover, finishedAt: w.finishedAt ?? this.clock.now() } : w,
    );
    await this.publishing.get(execution.id);
    const seq = lane.nextSeq();
    const storedBytes = this.budgetOf(execution).storedBytes;
    const storedOutputs = outputs === null ? null : toStorableJson(outputs);
    const [row] = await this.write<{ team_has_waiting: boolean }>('execution-finish', FINISH_SQL, [
      execution.id,
      toStorableBatch(writes),
      seq,
      status,
      leftover,
      toStorableText(error),
      storedBytes,
      storedOutputs,
      execution.teamId,
      warnings,
    ]);
    // The slot this run held goes to the team's oldest waiting runs — one more statement, only when
    // the team is at its limit with runs waiting (see migration 1764250900000 for why none is lost).
    if (row?.team_has_waiting) await this.promoteWaiting(execution.teamId);
    // The queued updates and the final one leave as one message, in order.
    this.publish(execution.id, [
      ...remaining.updates,
      { ...this.update({ ...execution, status }, seq, 'EXECUTION_FINISHED', error ?? `Execution ${status.toLowerCase()}`), ...(outputs !== null && { outputs }) },
    ]);
    const tally = this.tallies.get(execution.id);
    this.forget(execution.id);
    const summary: FinishedExecutionSummary | undefined = tally && {
      trigger: execution.trigger,
      durationMs: execution.startedAt ? Date.now() - new Date(execution.startedAt).getTime() : null,
      steps: tally.list(),
    };
    for (const listener of this.finishedListeners) {
      await listener({ id: execution.id, teamId: execution.teamId, suiteRunId: execution.suiteRunId, status, ...(summary && { summary }) }).catch((err: unknown) =>
        this.logger.error({ err, executionId: execution.id }, 'An execution-finished listener failed'),
      );
    }
  }

  /**
   * Records on a running `flow` step the child execution it started, and tells live clients (a second
   * STEP_STARTED of the step, carrying childExecutionId), so the link shows while the child runs.
   */
  childStarted(execution: Pick<Execution, 'id' | 'teamId' | 'seq' | 'parentExecutionId'>, step: Pick<ExecutionStep, 'stepIndex' | 'stepId' | 'name'>, childExecutionId: string): Promise<void> {
    // The parent runs its flow step in this worker, so its lane (and its stored-bytes budget) exists.
    const lane = this.laneOf({ ...execution, storedBytes: 0 });
    const running = { ...execution, status: 'IN_PROGRESS' as const };
    return lane.push(
      [{ stepIndex: step.stepIndex, status: 'IN_PROGRESS', childExecutionId }],
      [{ ...this.update(running, lane.nextSeq(), 'STEP_STARTED'), stepUpdate: { stepIndex: step.stepIndex, stepId: step.stepId, name: step.name, status: 'IN_PROGRESS', childExecutionId } }],
    );
  }

  /** Queues the team's waiting runs that may start now (never throws: the reconciler repeats it). */
  private async promoteWaiting(teamId: string): Promise<void> {
    try {
      const rows = await this.write<{ id: string; slot_waits: number }>('execution-promotions', 'SELECT id, slot_waits FROM ats_team_promotions($1::uuid, $2::int, $3::int)', [
        teamId,
        this.config.TEAM_MAX_CONCURRENT_EXECUTIONS,
        this.config.TEAM_MAX_CONCURRENT_EXECUTIONS_CEILING,
      ]);
      await this.promote(teamId, rows.map((r) => ({ id: r.id, slotWaits: r.slot_waits })));
    } catch (err) {
      this.logger.warn({ err, teamId }, 'Could not promote waiting executions; the reconciler will');
    }
  }

  /**
   * Queues waiting runs that may now start. A lost add (Redis down) is logged: the reconciler promotes
   * waiting runs again every pass, and a promotion made twice is one job (executionJobId).
   */
  async promote(teamId: string, promoted: ReadonlyArray<{ id: string; slotWaits: number }>): Promise<void> {
    for (const p of promoted) {
      await this.jobs.add({ id: p.id, teamId, slotWaits: p.slotWaits }).catch((err: unknown) =>
        this.logger.warn({ err, executionId: p.id }, 'Could not queue a waiting execution; the reconciler will'),
      );
    }
  }

  /** Forgets an execution this worker stops driving without finishing it (shutdown: resumed elsewhere). */
  release(executionId: string): void {
    this.forget(executionId);
  }

  private forget(executionId: string): void {
    this.lanes.delete(executionId);
    this.budgets.delete(executionId);
    this.publishing.delete(executionId);
    this.tallies.delete(executionId);
  }

  /** A resumed execution goes on with the stored bytes its earlier attempts recorded. */
  private openLane(execution: Pick<Execution, 'id' | 'seq' | 'storedBytes'>): ProgressLane {
    const executionId = execution.id;
    const budget = new ResultBudget(execution.storedBytes ?? 0, this.config.STEP_RESULT_MAX_BYTES, this.config.EXECUTION_RESULT_MAX_BYTES);
    const lane = new ProgressLane(execution.seq ?? 0, (writes, lastSeq, updates) => this.storeBatch(executionId, writes, lastSeq, updates, budget.storedBytes), this.config.PROGRESS_BATCH_INTERVAL_MS);
    this.lanes.set(executionId, lane);
    this.budgets.set(executionId, budget);
    return lane;
  }

  private laneOf(execution: Pick<Execution, 'id' | 'seq' | 'storedBytes'>): ProgressLane {
    return this.lanes.get(execution.id) ?? this.openLane(execution);
  }

  private budgetOf(execution: Pick<Execution, 'id' | 'seq' | 'storedBytes'>): ResultBudget {
    if (!this.budgets.has(execution.id)) this.laneOf(execution);
    return this.budgets.get(execution.id)!;
  }

  private async storeBatch(executionId: string, writes: StepWrite[], seq: number, updates: ExecutionStatusUpdate[], storedBytes: number): Promise<void> {
    // Updates only (the claim's: the claim stored them): nothing to write, only to publish.
    if (writes.length) await this.write('execution-steps-write', WRITE_STEPS_SQL, [executionId, toStorableBatch(writes), seq, storedBytes]);
    await this.publishing.get(executionId);
    this.publish(executionId, updates);
  }

  /** Publishes in order without waiting; the next batch of the execution waits for these. */
  private publish(executionId: string, updates: ExecutionStatusUpdate[]): void {
    const at = new Date().toISOString(); // when it leaves: what live-latency measurements start from
    this.publishing.set(executionId, this.publisher.publishBatch(updates.map((update) => ({ ...update, at }))));
  }

  private write<Row>(name: string, sql: string, parameters: unknown[]): Promise<Row[]> {
    return withDbRetry(() => preparedQuery<Row>(this.db, name, sql, parameters));
  }

  private update(
    execution: Pick<Execution, 'id' | 'teamId' | 'status'> & Partial<Pick<Execution, 'parentExecutionId'>>,
    seq: number,
    updateType: ExecutionStatusUpdate['updateType'],
    message?: string,
  ): ExecutionStatusUpdate {
    // executionId first: peekExecutionId reads it without parsing.
    return {
      executionId: execution.id,
      teamId: execution.teamId,
      seq,
      updateType,
      executionStatus: execution.status,
      message,
      at: new Date().toISOString(),
      ...(execution.parentExecutionId && { parentExecutionId: execution.parentExecutionId }),
    };
  }
}
