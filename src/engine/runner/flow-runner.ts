import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { withDbRetry } from '../../database/db-retry';
import { ExecutionProgressService } from '../../executions/execution-progress.service';
import type { ExecutionStatus } from '../../executions/execution-status';
import type { Execution } from '../../executions/execution.entity';
import { correlationOf } from '../../executions/execution-correlation';
import type { ExecutionStep } from '../../executions/execution-step.entity';
import type { FlowVersionSnapshot, StepDefinition } from '../../flows/flow-definition';
import { withOutputs } from '../../flow-language/outputs/evaluate-outputs';
import type { ConditionNode } from '../../flow-language/conditions/condition-node';
import { evaluateCondition } from '../../flow-language/conditions/evaluate-condition';
import { FlowVersionReader } from '../../flows/versions/flow-version-reader';
import type { SubstitutionScope } from '../../flow-language/substitution/substitution-scope';
import { CancelledError, ExecutionTimeoutError, RunningExecutions, WorkerShutdownError } from './running-executions';
import { referencedSteps } from './referenced-steps';
import { reasonText, StepExecutor } from './step-executor';
import type { ExecutedStep } from './step-outcome';
import { RunPlanner } from './run-plan';
import type { StepRunContext } from './step-run-context';
import { StepSettlements } from './step-settlements';

const DONE_STATUSES = ['SUCCESS', 'ERROR', 'SKIPPED'];

interface RunResult {
  status: ExecutionStatus;
  error: string | null;
  /** The flow's outputs as evaluated (null when cancelled). */
  outputs: Record<string, unknown> | null;
  warnings: number;
}

/** How the run stands so far. */
interface Verdict {
  /** The first failure (a step that failed without allowFailure): the execution ends FAILED with it. */
  failure: string | null;
  /** A foreground step failed without continueOnFailure or allowFailure: no further step starts. */
  stopped: boolean;
  /** Steps that failed with allowFailure. */
  warnings: number;
}

interface RunState {
  execution: Execution;
  steps: readonly StepDefinition[];
  rows: ExecutionStep[];
  scope: SubstitutionScope;
  signal: AbortSignal;
  verdict: Verdict;
  settlements: StepSettlements;
  /** Results kept in memory for later `${…}` references; the others are dropped once recorded (issue #15). */
  referenced: Set<string> | undefined;
}

/**
 * Counts a finished step into the verdict; true when it is a warning. A failure fails the execution
 * (continueOnFailure only keeps the run going) unless the step has allowFailure; it stops the run
 * unless the step has continueOnFailure or allowFailure, or runs in the background (whose failures
 * are known only when they end and never stop the steps in front).
 */
function judge(verdict: Verdict, step: StepDefinition, status: string, error: string | null): boolean {
  if (status !== 'ERROR') return false;
  if (step.allowFailure) {
    verdict.warnings++;
    return true;
  }
  verdict.failure ??= `step "${step.name}" failed: ${error}`;
  if (!step.continueOnFailure && !step.runInBackground) verdict.stopped = true;
  return false;
}

/**
 * Runs one execution (seed §1.2): IN_PROGRESS → steps in order → COMPLETED | FAILED | CANCELLED.
 * Background steps start, the flow goes on, and the flow awaits them before it ends; a step that
 * reads a background step waits for it, and a background step's late fields may wait for later steps
 * (deferred match). A step whose `when` is false is SKIPPED. A re-delivered
 * execution (worker crash) resumes: finished steps are kept and feed the scope, the rest run again.
 */
@Injectable()
export class FlowRunner {
  private readonly logger = new Logger(FlowRunner.name);

  constructor(
    private readonly flows: FlowVersionReader,
    private readonly progress: ExecutionProgressService,
    private readonly executor: StepExecutor,
    private readonly planner: RunPlanner,
    private readonly running: RunningExecutions,
    private readonly config: AppConfig,
  ) {}

  /**
   * `jobSlotWaits`: the slot-wait count of the job that asked for this run (a job from an earlier wait
   * is ignored); `linked`: a sub-flow's parent step signal (engine/sub-flows/): aborting it stops this
   * run with that reason.
   */
  async run(executionId: string, recoveryReason?: string, jobSlotWaits?: number, linked?: { signal: AbortSignal; reason: () => Error }): Promise<void> {
    const claimed = await this.progress.claim(executionId, recoveryReason, jobSlotWaits, linked !== undefined);
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
      const result = await this.runSteps(execution, flow, rows, controller.signal, startedStepIndex);
      // Step transitions are written behind the run (ProgressLane); finish stores what is still queued
      // and ends the run FAILED if some could not be stored.
      await this.progress.finish(execution, result.status, result.error, result.outputs, result.warnings);
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
    flow: FlowVersionSnapshot,
    rows: ExecutionStep[],
    signal: AbortSignal,
    startedByClaim: number,
  ): Promise<RunResult> {
    const { steps, outputs } = flow;
    const plan = this.planner.plan(steps);
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
      retryDefaults: flow.defaults?.retry,
    };
    const run: RunState = {
      execution,
      steps,
      rows,
      scope,
      signal,
      verdict: { failure: null, stopped: false, warnings: 0 },
      settlements: new StepSettlements(),
      referenced: referencedSteps(steps, outputs),
    };
    /** Background steps started, by index: settles once the step's outcome is recorded. */
    const background = new Map<number, Promise<void>>();
    /** Index of the step whose IN_PROGRESS row was already written (by claim, or with the previous step's outcome). */
    let startedWithPrevious = startedByClaim;

    for (const [index, step] of steps.entries()) {
      const row = rows[index];
      if (DONE_STATUSES.includes(row.status)) {
        // Finished by an earlier attempt of this execution: keep it, and let later steps reference it.
        scope.steps[step.name] = { response: row.response ?? undefined, request: row.request ?? undefined, status: row.status };
        judge(run.verdict, step, row.status, row.error);
        run.settlements.settle(index, row.status);
        continue;
      }
      // A transition that could not be stored stops the run; finish ends it FAILED and says why.
      if (run.verdict.stopped || signal.aborted || !this.progress.isRecording(execution.id)) break;
      // Transitions are queued, not awaited: they are stored in order while the step runs.
      const started = index === startedWithPrevious ? Promise.resolve() : this.progress.stepStarted(execution, row, null);
      const planned = plan[index];
      if (planned.waitsFor.length) await this.waitForBackground(run, index, planned.waitsFor, background);
      if (signal.aborted) break;
      const unmet = planned.condition ? this.checkCondition(step, planned.condition, scope) : undefined;
      if (unmet) {
        this.record(run, index, unmet);
        continue;
      }
      if (step.runInBackground) {
        await started;
        const late = planned.late && { fields: planned.late.fields, ready: run.settlements.skipReason(planned.late.after, steps) };
        const handle = this.executor.start(step, ctx, late);
        await handle.ready;
        scope.steps[step.name] = { status: 'IN_PROGRESS' };
        const recorded = handle.done.then((outcome) => this.record(run, index, outcome));
        recorded.catch(() => undefined); // awaited below; a worker shutdown must not surface as an unhandled rejection first
        background.set(index, recorded);
        continue;
      }
      const outcome = await this.executor.execute(step, ctx);
      // When the flow certainly goes on with the next step, its start is written with this outcome.
      const next: ExecutionStep | undefined = rows[index + 1];
      const continues = !signal.aborted && (outcome.status !== 'ERROR' || !!step.continueOnFailure || !!step.allowFailure);
      const startsNext = continues && next !== undefined && !DONE_STATUSES.includes(next.status) && !plan[index + 1].waitsFor.length ? next : undefined;
      if (startsNext) startedWithPrevious = index + 1;
      this.record(run, index, outcome, startsNext);
    }
    // Steps after a stop never run: background steps matching on them end SKIPPED saying so.
    run.settlements.settleRest(steps.length);
    // Every background step's outcome is recorded, whatever happened before it.
    await Promise.all(background.values());

    if (signal.aborted) {
      const reason = signal.reason;
      if (reason instanceof WorkerShutdownError) throw reason;
      if (reason instanceof CancelledError) return { status: 'CANCELLED', error: reason.detail, outputs: null, warnings: run.verdict.warnings };
      return { ...withOutputs({ status: 'FAILED', error: reasonText(reason) }, outputs, scope), warnings: run.verdict.warnings };
    }
    // Outputs after the final verdict (allowFailure warnings included): a COMPLETED run whose outputs
    // cannot be evaluated still ends FAILED naming the output.
    const { failure, warnings } = run.verdict;
    return { ...withOutputs(failure ? { status: 'FAILED', error: failure } : { status: 'COMPLETED', error: null }, outputs, scope), warnings };
  }

  /**
   * A step reads background steps: it runs once they have finished (their outcome is in the scope).
   * Live clients see the wait on the step (`waitingFor`).
   */
  private async waitForBackground(run: RunState, index: number, waitsFor: readonly number[], background: ReadonlyMap<number, Promise<void>>): Promise<void> {
    const pending = waitsFor.filter((b) => run.scope.steps[run.steps[b].name]?.status === 'IN_PROGRESS' && background.has(b));
    if (!pending.length) return;
    this.progress.stepWaiting(run.execution, run.rows[index], pending.map((b) => run.steps[b].name));
    await Promise.all(pending.map((b) => background.get(b)));
  }

  /** The outcome of a step whose `when` does not hold (SKIPPED) or cannot be evaluated (ERROR); undefined when it holds. */
  private checkCondition(step: StepDefinition, condition: ConditionNode, scope: SubstitutionScope): ExecutedStep | undefined {
    const started = performance.now();
    const end = (status: 'SKIPPED' | 'ERROR', error: string): ExecutedStep => ({ status, request: null, assertions: [], attempts: 0, error, durationMs: performance.now() - started });
    try {
      const { value, evaluated } = evaluateCondition(step.when!, condition, scope);
      return value ? undefined : end('SKIPPED', `condition false: ${evaluated}`);
    } catch (error) {
      return end('ERROR', `when: ${(error as Error).message}`);
    }
  }

  /** Persists a step outcome (write-behind) and updates the verdict. */
  private record(run: RunState, index: number, outcome: ExecutedStep, next?: ExecutionStep): void {
    const { signal, steps, scope, referenced } = run;
    const step = steps[index];
    const cancelled = signal.aborted && signal.reason instanceof CancelledError;
    if (signal.aborted && signal.reason instanceof WorkerShutdownError) throw signal.reason;
    const status = cancelled && outcome.status === 'ERROR' ? 'CANCELLED' : outcome.status;
    scope.steps[step.name] = !referenced || referenced.has(step.name) ? { response: outcome.liveResponse ?? outcome.response, request: outcome.request, status } : { status };
    const warning = judge(run.verdict, step, status, outcome.error ?? null);
    // Not awaited (write-behind); a failure to store it surfaces through assertRecording / drain.
    void this.progress.stepFinished(run.execution, run.rows[index], { ...outcome, status, warning }, next);
    run.settlements.settle(index, status);
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
