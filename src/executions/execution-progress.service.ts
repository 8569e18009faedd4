import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { preparedQuery } from '../database/prepared-query';
import type { AssertionResult } from '../flow-language/assertions/assertion';
import type { ExecutionStatus, StepStatus } from './execution-status';
import type { ExecutionStatusUpdate } from './execution-update';
import { ExecutionUpdatePublisher } from './execution-update.publisher';
import { MonotonicClock } from './progress/monotonic-clock';
import { ProgressLane, type StepWrite } from './progress/progress-lane';
import { toStorableJson, toStorableText } from './progress/storable-json';
import { ExecutionsRepository } from './executions.repository';
import type { Execution } from './execution.entity';
import type { ExecutionStep } from './execution-step.entity';

export interface StepOutcome {
  status: StepStatus;
  /** Substituted config that ran, secrets redacted. */
  request?: unknown;
  response?: unknown;
  assertions?: AssertionResult[];
  attempts: number;
  error?: string | null;
  durationMs: number;
  /** ERROR of a step with allowFailure: reported, does not fail the execution. */
  warning?: boolean;
}

/**
 * True for failures of the connection rather than of the statement (Postgres restarted or failed
 * over, backend terminated, socket reset): the same statement may be sent again on a fresh connection.
 */
export function isTransientDbError(error: unknown): boolean {
  const e = error as { code?: unknown; driverError?: { code?: unknown }; message?: unknown } | null;
  const code = String(e?.driverError?.code ?? e?.code ?? '');
  if (code.startsWith('08') || ['57P01', '57P02', '57P03', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE'].includes(code)) return true;
  return /Connection terminated|terminating connection|ECONNRESET|ECONNREFUSED/i.test(String(e?.message ?? ''));
}

/**
 * Runs an idempotent database operation (a read, or a write that sets fixed values), re-running it
 * after a transient connection failure: a killed connection must not fail a test run whose next
 * statement would succeed on another pooled connection.
 */
export async function withDbRetry<T>(operation: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= attempts || !isTransientDbError(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

/** Called after an execution reached a terminal state and its row was written. */
export type ExecutionFinishedListener = (execution: { id: string; teamId: string; suiteRunId: string | null; status: ExecutionStatus }) => Promise<void>;

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
          attempts = COALESCE((w.d->>'attempts')::int, s.attempts),
          error = CASE WHEN w.d ? 'error' THEN w.d->>'error' ELSE s.error END,
          started_at = COALESCE((w.d->>'startedAt')::timestamptz, s.started_at, (w.d->>'finishedAt')::timestamptz),
          finished_at = COALESCE((w.d->>'finishedAt')::timestamptz, s.finished_at),
          duration_ms = COALESCE((w.d->>'durationMs')::int, s.duration_ms),
          warning = COALESCE((w.d->>'warning')::boolean, s.warning)
        FROM w WHERE s.execution_id = $1 AND s.step_index = w.step_index)`;

/** One batch of transitions and the execution's seq. */
const WRITE_STEPS_SQL = `WITH ${STEP_WRITES_CTE}
  UPDATE executions SET seq = $3 WHERE id = $1`;

/**
 * The end of a run in one statement: the transitions still queued, the steps that never finished
 * (CANCELLED on cancel, else SKIPPED; the batch's own steps are excluded — one statement must not
 * update a row twice), and the execution's terminal state.
 */
const FINISH_SQL = `WITH ${STEP_WRITES_CTE},
  l AS (UPDATE execution_steps SET status = $5, finished_at = COALESCE(finished_at, now())
         WHERE execution_id = $1 AND status IN ('PENDING', 'IN_PROGRESS') AND step_index <> ALL (SELECT step_index FROM w))
  UPDATE executions SET status = $4, error = $6, finished_at = now(), seq = $3, warnings = $7 WHERE id = $1`;

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
  /** The latest publishes of each running execution, awaited before its next ones (backpressure). */
  private readonly publishing = new Map<string, Promise<unknown>>();
  private readonly finishedListeners: ExecutionFinishedListener[] = [];
  private readonly clock = new MonotonicClock();
  private readonly logger = new Logger(ExecutionProgressService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly executions: ExecutionsRepository,
    private readonly publisher: ExecutionUpdatePublisher,
  ) {}

  /**
   * Lets modules that build on executions (suites) react to finished runs without executions
   * depending on them. Listener failures are logged, never propagated into the run.
   */
  onExecutionFinished(listener: ExecutionFinishedListener): void {
    this.finishedListeners.push(listener);
  }

  /**
   * Marks the execution IN_PROGRESS for a new attempt. Returns undefined when it must not run (already
   * terminal, or cancelled before start — then it is finished as CANCELLED here).
   */
  async claim(
    executionId: string,
    reason: string | undefined,
  ): Promise<{ execution: Execution; steps: ExecutionStep[]; startedStepIndex: number } | undefined> {
    const current = await withDbRetry(() => this.executions.findWithSteps(executionId));
    if (!current || ['COMPLETED', 'FAILED', 'CANCELLED'].includes(current.execution.status)) return undefined;
    const lane = this.openLane(executionId, current.execution.seq);
    if (current.execution.cancelRequestedAt) {
      await this.finish(current.execution, 'CANCELLED', 'Cancelled before start');
      return undefined;
    }
    const resumed = current.execution.status === 'IN_PROGRESS';
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
    const [row] = await this.write<{ attempt: number; started_at: Date }>(
      'execution-claim',
      `WITH f AS (UPDATE execution_steps SET status = 'IN_PROGRESS', request = NULL, started_at = clock_timestamp(), error = NULL
                   WHERE execution_id = $1 AND step_index = $5)
       UPDATE executions SET status = 'IN_PROGRESS', started_at = COALESCE(started_at, now()), attempt = $4,
              recoveries = $2::jsonb, seq = $3, heartbeat_at = now()
        WHERE id = $1 RETURNING attempt, started_at`,
      [executionId, JSON.stringify([...(current.execution.recoveries ?? []), ...recovery]), firstSeq, current.execution.attempt + 1, first?.stepIndex ?? -1],
    ).catch((error: unknown) => {
      this.lanes.delete(executionId); // not claimed: nothing to keep for it
      throw error;
    });
    const execution = { ...current.execution, status: 'IN_PROGRESS' as const, attempt: row.attempt, startedAt: row.started_at };
    const message = resumed ? `Resumed by attempt ${execution.attempt}: ${recovery[0].reason}` : 'Execution started';
    this.publish(executionId, [
      this.update(execution, seq, 'EXECUTION_STARTED', message),
      ...(first ? [{ ...this.update(execution, firstSeq, 'STEP_STARTED'), stepUpdate: { stepIndex: first.stepIndex, stepId: first.stepId, name: first.name, status: 'IN_PROGRESS' as const } }] : []),
    ]);
    return { execution, steps: current.steps, startedStepIndex: first?.stepIndex ?? -1 };
  }

  /** Marks a step IN_PROGRESS. Settles when stored; the runner need not wait (order is kept by the lane). */
  stepStarted(execution: Execution, step: ExecutionStep, request: unknown): Promise<void> {
    const lane = this.laneOf(execution);
    return lane.push(
      [{ stepIndex: step.stepIndex, status: 'IN_PROGRESS', request: request ?? null, startedAt: this.clock.now(), error: null }],
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
    const writes: StepWrite[] = [
      {
        stepIndex: step.stepIndex,
        status: outcome.status,
        response: outcome.response ?? null,
        assertions: outcome.assertions ?? [],
        attempts: outcome.attempts,
        error: outcome.error ?? null,
        finishedAt,
        durationMs,
        warning: outcome.warning === true,
        ...(outcome.request !== undefined && { request: outcome.request }),
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
          response: outcome.response,
          error: outcome.error ?? null,
          attempts: outcome.attempts,
          durationMs,
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
  async finish(execution: Execution, requested: ExecutionStatus, requestedError: string | null, warnings = 0): Promise<void> {
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
    await this.write('execution-finish', FINISH_SQL, [execution.id, toStorableJson(writes), seq, status, leftover, toStorableText(error), warnings]);
    // Sent in one tick, so the queued updates and the final one leave in one pipelined write, in order.
    this.publish(execution.id, remaining.updates);
    this.lanes.delete(execution.id);
    this.publishing.delete(execution.id);
    void this.publisher.publish(this.update({ ...execution, status }, seq, 'EXECUTION_FINISHED', error ?? `Execution ${status.toLowerCase()}`));
    for (const listener of this.finishedListeners) {
      await listener({ id: execution.id, teamId: execution.teamId, suiteRunId: execution.suiteRunId, status }).catch((err: unknown) =>
        this.logger.error({ err, executionId: execution.id }, 'An execution-finished listener failed'),
      );
    }
  }

  /** Forgets an execution this worker stops driving without finishing it (shutdown: resumed elsewhere). */
  release(executionId: string): void {
    this.lanes.delete(executionId);
    this.publishing.delete(executionId);
  }

  private openLane(executionId: string, seq: number): ProgressLane {
    const lane = new ProgressLane(seq, (writes, lastSeq, updates) => this.storeBatch(executionId, writes, lastSeq, updates));
    this.lanes.set(executionId, lane);
    return lane;
  }

  private laneOf(execution: Pick<Execution, 'id' | 'seq'>): ProgressLane {
    return this.lanes.get(execution.id) ?? this.openLane(execution.id, execution.seq ?? 0);
  }

  private async storeBatch(executionId: string, writes: StepWrite[], seq: number, updates: ExecutionStatusUpdate[]): Promise<void> {
    await this.write('execution-steps-write', WRITE_STEPS_SQL, [executionId, toStorableJson(writes), seq]);
    await this.publishing.get(executionId);
    this.publish(executionId, updates);
  }

  /** Publishes in order without waiting; the next batch of the execution waits for these. */
  private publish(executionId: string, updates: ExecutionStatusUpdate[]): void {
    const at = new Date().toISOString(); // when it leaves: what live-latency measurements start from
    this.publishing.set(executionId, Promise.all(updates.map((update) => this.publisher.publish({ ...update, at }))));
  }

  private write<Row>(name: string, sql: string, parameters: unknown[]): Promise<Row[]> {
    return withDbRetry(() => preparedQuery<Row>(this.db, name, sql, parameters));
  }

  private update(execution: Pick<Execution, 'id' | 'teamId' | 'status'>, seq: number, updateType: ExecutionStatusUpdate['updateType'], message?: string): ExecutionStatusUpdate {
    return { executionId: execution.id, teamId: execution.teamId, seq, updateType, executionStatus: execution.status, message, at: new Date().toISOString() };
  }
}
