import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { ExecutionProgressService, withDbRetry } from '../../executions/execution-progress.service';
import type { ExecutionStatus } from '../../executions/execution-status';
import type { Execution } from '../../executions/execution.entity';
import { correlationOf } from '../../executions/execution-correlation';
import type { ExecutionStep } from '../../executions/execution-step.entity';
import type { FlowOutputs, StepDefinition } from '../../flows/flow-definition';
import { withOutputs } from '../../flow-language/outputs/evaluate-outputs';
import { FlowVersionReader } from '../../flows/versions/flow-version-reader';
import type { SubstitutionScope } from '../../flow-language/substitution/substitution-scope';
import { CancelledError, ExecutionTimeoutError, RunningExecutions, WorkerShutdownError } from './running-executions';
import { referencedSteps } from './referenced-steps';
import { reasonText, StepExecutor } from './step-executor';
import type { ExecutedStep } from './step-outcome';
import type { StepRunContext } from './step-run-context';

const DONE_STATUSES = ['SUCCESS', 'ERROR', 'SKIPPED'];

/**
 * Runs one execution (seed §1.2): IN_PROGRESS → steps in order → COMPLETED | FAILED | CANCELLED.
 * Background steps start, the flow goes on, and the flow awaits them before it ends. A re-delivered
 * execution (worker crash) resumes: finished steps are kept and feed the scope, the rest run again.
 */
@Injectable()
export class FlowRunner {
  private readonly logger = new Logger(FlowRunner.name);

  constructor(
    private readonly flows: FlowVersionReader,
    private readonly progress: ExecutionProgressService,
    private readonly executor: StepExecutor,
    private readonly running: RunningExecutions,
    private readonly config: AppConfig,
  ) {}

  /**
   * `jobSlotWaits`: the slot-wait count of the job that asked for this run (a job from an earlier wait
   * is ignored); `linked`: a sub-flow's parent step signal (engine/sub-flows/): aborting it stops this
   * run with that reason.
   */
  async run(executionId: string, recoveryReason?: string, jobSlotWaits?: number, linked?: { signal: AbortSignal; reason: () => Error }): Promise<void> {
    const claimed = await this.progress.claim(executionId, recoveryReason, jobSlotWaits);
    if (!claimed) return;
    const { execution, steps: rows, startedStepIndex } = claimed;
    const controller = this.running.register(executionId);
    const unlink = linkAbort(linked, controller);
    // Every run has a deadline (EXECUTION_MAX_DURATION_SEC, lowered by parameters.timeoutMs), counted from
    // its first start so that a run resumed after a worker crash does not get a fresh budget.
    const budgetMs = Math.min(execution.parameters.timeoutMs ?? Infinity, this.config.EXECUTION_MAX_DURATION_SEC * 1000);
    const leftMs = (execution.startedAt ? new Date(execution.startedAt).getTime() : Date.now()) + budgetMs - Date.now();
    const timer = setTimeout(() => controller.abort(new ExecutionTimeoutError(budgetMs)), Math.max(0, leftMs));
    try {
      const flow = await withDbRetry(() => this.flows.pinnedVersion(execution.teamId, execution.flowId, execution.flowVersion));
      const result = await this.runSteps(execution, flow.steps, rows, controller.signal, startedStepIndex, flow.outputs);
      // Step transitions are written behind the run (ProgressLane); finish stores what is still queued
      // and ends the run FAILED if some could not be stored.
      await this.progress.finish(execution, result.status, result.error, result.outputs);
    } catch (error) {
      if (controller.signal.reason instanceof WorkerShutdownError) {
        // Leave IN_PROGRESS, to be resumed elsewhere; what this worker ran is stored first when it can be.
        await this.progress.drain(executionId).catch(() => undefined);
        this.progress.release(executionId);
        throw controller.signal.reason;
      }
      this.logger.error({ err: error, executionId }, 'Execution crashed');
      await this.progress.finish(execution, 'FAILED', `internal error: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
      unlink();
      this.running.release(executionId);
    }
  }

  private async runSteps(
    execution: Execution,
    steps: StepDefinition[],
    rows: ExecutionStep[],
    signal: AbortSignal,
    startedByClaim: number,
    outputs?: FlowOutputs,
  ): Promise<{ status: ExecutionStatus; error: string | null; outputs: Record<string, unknown> | null }> {
    const startedAt = execution.startedAt ?? new Date();
    const ids = correlationOf(execution);
    const scope: SubstitutionScope = { variables: execution.variables, steps: {}, env: this.allowedEnv(), execution: { id: execution.id, ...ids, startedAt: startedAt.toISOString() } };
    const ctx: StepRunContext = {
      executionId: execution.id,
      teamId: execution.teamId,
      executionStartedAt: startedAt.getTime(),
      signal,
      scope,
      secretValues: new Set(),
    };
    const background: Array<{ step: StepDefinition; row: ExecutionStep; done: Promise<ExecutedStep> }> = [];
    let failure: string | null = null;
    /** Index of the step whose IN_PROGRESS row was already written (by claim, or with the previous step's outcome). */
    let startedWithPrevious = startedByClaim;
    /** Results kept in memory for later `${…}` references; the others are dropped once recorded (issue #15). */
    const referenced = referencedSteps(steps, outputs);

    for (const [index, step] of steps.entries()) {
      const row = rows[index];
      if (DONE_STATUSES.includes(row.status)) {
        // Finished by an earlier attempt of this execution: keep it, and let later steps reference it.
        scope.steps[step.name] = { response: row.response ?? undefined, request: row.request ?? undefined, status: row.status };
        if (row.status === 'ERROR' && !step.continueOnFailure) failure ??= `step "${step.name}" failed: ${row.error}`;
        continue;
      }
      // A transition that could not be stored stops the run; finish ends it FAILED and says why.
      if (failure || signal.aborted || !this.progress.isRecording(execution.id)) break;
      // Transitions are queued, not awaited: they are stored in order while the step runs.
      const started = index === startedWithPrevious ? Promise.resolve() : this.progress.stepStarted(execution, row, null);
      if (step.runInBackground) {
        await started;
        const handle = this.executor.start(step, ctx);
        await handle.ready;
        scope.steps[step.name] = { status: 'IN_PROGRESS' };
        background.push({ step, row, done: handle.done });
        continue;
      }
      const outcome = await this.executor.execute(step, ctx);
      // When the flow certainly goes on with the next step, its start is written with this outcome.
      const next: ExecutionStep | undefined = rows[index + 1];
      const continues = !signal.aborted && (outcome.status !== 'ERROR' || !!step.continueOnFailure);
      const startsNext = continues && next !== undefined && !DONE_STATUSES.includes(next.status) ? next : undefined;
      if (startsNext) startedWithPrevious = index + 1;
      failure ??= await this.record(execution, step, row, outcome, scope, signal, startsNext, referenced);
    }

    for (const { step, row, done } of background) {
      const outcome = await done;
      failure ??= await this.record(execution, step, row, outcome, scope, signal, undefined, referenced);
    }

    if (signal.aborted) {
      const reason = signal.reason;
      if (reason instanceof WorkerShutdownError) throw reason;
      if (reason instanceof CancelledError) return { status: 'CANCELLED', error: reason.detail, outputs: null };
      return withOutputs({ status: 'FAILED', error: reasonText(reason) }, outputs, scope);
    }
    return withOutputs(failure ? { status: 'FAILED', error: failure } : { status: 'COMPLETED', error: null }, outputs, scope);
  }

  /** Persists a step outcome and returns the execution's failure message if this step fails it. */
  private async record(
    execution: Execution,
    step: StepDefinition,
    row: ExecutionStep,
    outcome: ExecutedStep,
    scope: SubstitutionScope,
    signal: AbortSignal,
    next?: ExecutionStep,
    referenced?: Set<string>,
  ): Promise<string | null> {
    const cancelled = signal.aborted && signal.reason instanceof CancelledError;
    if (signal.aborted && signal.reason instanceof WorkerShutdownError) throw signal.reason;
    const status = cancelled && outcome.status === 'ERROR' ? 'CANCELLED' : outcome.status;
    scope.steps[step.name] = !referenced || referenced.has(step.name) ? { response: outcome.liveResponse ?? outcome.response, request: outcome.request, status } : { status };
    // Not awaited (write-behind); a failure to store it surfaces through assertRecording / drain.
    void this.progress.stepFinished(execution, row, { ...outcome, status }, next);
    if (status === 'ERROR' && !step.continueOnFailure) return `step "${step.name}" failed: ${outcome.error}`;
    return null;
  }

  private allowedEnv(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const name of this.config.flowEnvNames()) {
      const value = this.config.flowEnv(name);
      if (value !== undefined) env[name] = value;
    }
    return env;
  }
}

function linkAbort(linked: { signal: AbortSignal; reason: () => Error } | undefined, controller: AbortController): () => void {
  if (!linked) return () => undefined;
  const abort = () => controller.abort(linked.reason());
  if (linked.signal.aborted) abort();
  else linked.signal.addEventListener('abort', abort, { once: true });
  return () => linked.signal.removeEventListener('abort', abort);
}
