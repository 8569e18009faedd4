import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { AssertionResult } from '../engine/assertions/assertion';
import type { ExecutionStatus, StepStatus } from './execution-status';
import type { ExecutionStatusUpdate } from './execution-update';
import { ExecutionUpdatePublisher } from './execution-update.publisher';
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

/**
 * The engine's only way to record progress: every transition is one SQL statement (step row and the
 * execution's sequence number together) followed by one Redis publish. Sequence numbers are
 * allocated in memory — an execution is driven by exactly one worker at a time — starting from the
 * value persisted by the previous attempt.
 *
 * Every statement here is idempotent (it sets values — seq, attempt and recoveries are computed before
 * the first try), so each is retried on a transient connection failure.
 *
 * A transition does not wait for its own publish (a Redis round trip per update): publishes go out on
 * one ioredis connection, which keeps their order, only after their row is written, and a lost update
 * is tolerated anyway (clients resync from a snapshot). The next transition of the same execution
 * waits for it instead, which bounds what is in flight.
 */
/** Called after an execution reached a terminal state and its row was written. */
export type ExecutionFinishedListener = (execution: { id: string; teamId: string; suiteRunId: string | null; status: ExecutionStatus }) => Promise<void>;

@Injectable()
export class ExecutionProgressService {
  private readonly seqs = new Map<string, number>();
  /**
   * The latest publish of each running execution, awaited before its next transition: at most one
   * update per execution is in flight (backpressure on a slow Redis) without a round trip per update.
   */
  private readonly publishing = new Map<string, Promise<void>>();
  private readonly finishedListeners: ExecutionFinishedListener[] = [];
  private readonly logger = new Logger(ExecutionProgressService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly executions: ExecutionsRepository,
    private readonly publisher: ExecutionUpdatePublisher,
  ) {}

  /**
   * Marks the execution IN_PROGRESS for a new attempt. Returns undefined when it must not run (already
   * terminal, or cancelled before start — then it is finished as CANCELLED here).
   */
  /**
   * Lets modules that build on executions (suites) react to finished runs without executions
   * depending on them. Listener failures are logged, never propagated into the run.
   */
  onExecutionFinished(listener: ExecutionFinishedListener): void {
    this.finishedListeners.push(listener);
  }

  async claim(executionId: string, reason: string | undefined): Promise<{ execution: Execution; steps: ExecutionStep[] } | undefined> {
    const current = await withDbRetry(() => this.executions.findWithSteps(executionId));
    if (!current || ['COMPLETED', 'FAILED', 'CANCELLED'].includes(current.execution.status)) return undefined;
    this.seqs.set(executionId, current.execution.seq);
    if (current.execution.cancelRequestedAt) {
      await this.finish(current.execution, 'CANCELLED', 'Cancelled before start');
      return undefined;
    }
    const resumed = current.execution.status === 'IN_PROGRESS';
    const resumeFrom = current.steps.findIndex((s) => !['SUCCESS', 'ERROR', 'SKIPPED'].includes(s.status));
    const recovery = resumed
      ? [{ attempt: current.execution.attempt + 1, at: new Date().toISOString(), reason: reason ?? 'previous worker stopped mid-run', resumedFromStep: resumeFrom }]
      : [];
    const seq = this.next(executionId);
    // Absolute values computed from the row just read (one worker drives an execution at a time), so
    // re-sending the statement after a lost connection cannot count the attempt or the recovery twice.
    const [rows] = (await this.write(
      `UPDATE executions SET status = 'IN_PROGRESS', started_at = COALESCE(started_at, now()), attempt = $4,
              recoveries = $2::jsonb, seq = $3
        WHERE id = $1 RETURNING attempt, started_at`,
      [executionId, JSON.stringify([...(current.execution.recoveries ?? []), ...recovery]), seq, current.execution.attempt + 1],
    )) as [Array<{ attempt: number; started_at: Date }>, number];
    // TypeORM answers UPDATE ... RETURNING with [rows, affectedCount].
    const execution = { ...current.execution, status: 'IN_PROGRESS' as const, attempt: rows[0].attempt, startedAt: rows[0].started_at };
    const message = resumed ? `Resumed by attempt ${execution.attempt}: ${recovery[0].reason}` : 'Execution started';
    this.publish(this.update(execution, seq, 'EXECUTION_STARTED', message));
    return { execution, steps: current.steps };
  }

  async stepStarted(execution: Execution, step: ExecutionStep, request: unknown): Promise<void> {
    await this.publishing.get(execution.id);
    const seq = this.next(execution.id);
    await this.write(
      `WITH s AS (UPDATE execution_steps SET status = 'IN_PROGRESS', request = $3, started_at = now(), error = NULL
                   WHERE execution_id = $1 AND step_index = $2)
       UPDATE executions SET seq = $4 WHERE id = $1`,
      [execution.id, step.stepIndex, JSON.stringify(request ?? null), seq],
    );
    this.publish({
      ...this.update(execution, seq, 'STEP_STARTED'),
      stepUpdate: { stepIndex: step.stepIndex, stepId: step.stepId, name: step.name, status: 'IN_PROGRESS' },
    });
  }

  /**
   * Records a step's outcome. With `next`, the same statement also marks the step that runs next
   * IN_PROGRESS (what stepStarted does), which saves a statement and a round trip per step of a
   * sequential flow; its start time is clock_timestamp(), so it is strictly after this step's end.
   */
  async stepFinished(execution: Execution, step: ExecutionStep, outcome: StepOutcome, next?: ExecutionStep): Promise<void> {
    await this.publishing.get(execution.id);
    const seq = this.next(execution.id);
    const nextSeq = next ? this.next(execution.id) : seq;
    await this.write(
      `WITH s AS (UPDATE execution_steps SET status = $3, response = $4, assertions = $5, attempts = $6, error = $7,
                          finished_at = now(), duration_ms = $8, started_at = COALESCE(started_at, now()),
                          request = COALESCE($10, request)
                   WHERE execution_id = $1 AND step_index = $2),
            n AS (UPDATE execution_steps SET status = 'IN_PROGRESS', request = NULL, started_at = clock_timestamp(), error = NULL
                   WHERE execution_id = $1 AND step_index = $11)
       UPDATE executions SET seq = $9 WHERE id = $1`,
      [
        execution.id,
        step.stepIndex,
        outcome.status,
        outcome.response === undefined ? null : JSON.stringify(outcome.response),
        JSON.stringify(outcome.assertions ?? []),
        outcome.attempts,
        outcome.error ?? null,
        Math.round(outcome.durationMs),
        nextSeq,
        outcome.request === undefined ? null : JSON.stringify(outcome.request),
        next?.stepIndex ?? -1,
      ],
    );
    this.publish({
      ...this.update(execution, seq, 'STEP_FINISHED'),
      stepUpdate: {
        stepIndex: step.stepIndex,
        stepId: step.stepId,
        name: step.name,
        status: outcome.status,
        response: outcome.response,
        error: outcome.error ?? null,
        attempts: outcome.attempts,
        durationMs: Math.round(outcome.durationMs),
      },
    });
    if (next) {
      this.publish({
        ...this.update(execution, nextSeq, 'STEP_STARTED'),
        stepUpdate: { stepIndex: next.stepIndex, stepId: next.stepId, name: next.name, status: 'IN_PROGRESS' },
      });
    }
  }

  /** Ends the execution; steps that never finished become CANCELLED (on cancel) or SKIPPED. */
  async finish(execution: Execution, status: ExecutionStatus, error: string | null): Promise<void> {
    await this.publishing.get(execution.id);
    const seq = this.next(execution.id);
    const leftover: StepStatus = status === 'CANCELLED' ? 'CANCELLED' : 'SKIPPED';
    await this.write(
      `WITH s AS (UPDATE execution_steps SET status = $3, finished_at = COALESCE(finished_at, now())
                   WHERE execution_id = $1 AND status IN ('PENDING', 'IN_PROGRESS'))
       UPDATE executions SET status = $2, error = $4, finished_at = now(), seq = $5 WHERE id = $1`,
      [execution.id, status, leftover, error, seq],
    );
    this.seqs.delete(execution.id);
    this.publishing.delete(execution.id);
    void this.publisher.publish(this.update({ ...execution, status }, seq, 'EXECUTION_FINISHED', error ?? `Execution ${status.toLowerCase()}`));
    for (const listener of this.finishedListeners) {
      await listener({ id: execution.id, teamId: execution.teamId, suiteRunId: execution.suiteRunId, status }).catch((err: unknown) =>
        this.logger.error({ err, executionId: execution.id }, 'An execution-finished listener failed'),
      );
    }
  }

  private publish(update: ExecutionStatusUpdate): void {
    this.publishing.set(update.executionId, this.publisher.publish(update));
  }

  private write(sql: string, parameters: unknown[]): Promise<unknown> {
    return withDbRetry(() => this.db.query(sql, parameters));
  }

  private next(executionId: string): number {
    const seq = (this.seqs.get(executionId) ?? 0) + 1;
    this.seqs.set(executionId, seq);
    return seq;
  }

  private update(execution: Pick<Execution, 'id' | 'teamId' | 'status'>, seq: number, updateType: ExecutionStatusUpdate['updateType'], message?: string): ExecutionStatusUpdate {
    return { executionId: execution.id, teamId: execution.teamId, seq, updateType, executionStatus: execution.status, message, at: new Date().toISOString() };
  }
}
