import { Injectable } from '@nestjs/common';
import { AppException } from '../../common/errors/app.exception';
import type { StepDefinition } from '../../flows/flow-definition';
import { ResourcesService } from '../../resources/resources.service';
import { StepError, type AnyStepRunner, type ResolvedResource, type StepResult } from '../../steps/step-plugin';
import { StepRegistry, type RegisteredStep } from '../../steps/step-registry.service';
import type { Assertion, AssertionResult } from '../../flow-language/assertions/assertion';
import { evaluateAssertions } from '../../flow-language/assertions/evaluate-assertions';
import { resolveRetryPolicy, retryDelayMs } from '../../flow-language/retry/retry-policy';
import { runHoldChecks } from './hold-checks';
import { sleep } from '../retry/sleep';
import { substitute } from '../../flow-language/substitution/substitute';
import { redactDeep, redactText } from '../../resources/secret-redaction';
import { redactRequest } from './redact';
import type { StepRunContext } from './step-run-context';
import { StepLog } from './step-log';
import { DEFAULT_STEP_TIMEOUT_MS } from './step-timeout';
import type { BackgroundStepHandle, ExecutedStep, LateInputs } from './step-outcome';

/** An attempt that cannot succeed by retrying (bad reference, invalid config, missing resource). */
class PermanentStepFailure extends Error {}

/** The step does not run to the end for a reason that is not its own failure (what its late fields read failed). */
class StepSkipped extends Error {}

interface Attempt {
  request: unknown;
  /** Redacted: what is stored and published. */
  response?: StepResult;
  /** The plugin's own result, for later steps' references only. */
  liveResponse?: StepResult;
  assertions: AssertionResult[];
  error?: string;
  permanent?: boolean;
  /** Ends SKIPPED with `error` as the reason. */
  skipped?: boolean;
}

/** What one attempt's plugin call gets besides the runner and its context. */
interface AttemptTools {
  /** The late fields, substituted with the scope as it is now and validated with the rest of the config. */
  lateConfig(fields: readonly string[]): Record<string, unknown>;
  /** Ends the attempt's I/O (the plugin sees its signal aborted). */
  abort(reason: Error): void;
}

/**
 * Runs one step the same way for every plugin (what the seed's BaseStepRunner did): substitute →
 * validate the substituted config with the plugin's DTO → resolve the resource → run under an
 * AbortSignal bounded by the step timeout → assertions → retry with backoff on error or failed
 * assertion (so "poll until it holds" is a step with retries).
 */
@Injectable()
export class StepExecutor {
  constructor(
    private readonly registry: StepRegistry,
    private readonly resources: ResourcesService,
  ) {}

  async execute(step: StepDefinition, ctx: StepRunContext): Promise<ExecutedStep> {
    // holdFor judges over its own schedule and never retries (a step-level retry is refused at save;
    // the flow's defaults.retry does not apply to it).
    if (step.holdFor) return this.executeHeld(step, ctx);
    const policy = resolveRetryPolicy(step.retry, ctx.retryDefaults);
    const started = performance.now();
    const log = stepLog(ctx);
    let last: Attempt = { request: null, assertions: [] };
    let attempts = 0;
    for (let retry = 0; retry <= policy.maxRetries; retry++) {
      if (retry > 0) await sleep(retryDelayMs(policy, retry), ctx.signal);
      attempts++;
      last = await this.attempt(step, ctx, (runner, runCtx) => runner.run(runCtx), attemptLog(log, attempts));
      if (!last.error || last.permanent || ctx.signal.aborted) break;
    }
    return this.outcome(last, attempts, started, log);
  }

  /**
   * "Consistently" (`holdFor`): the step runs as checks on the hold schedule and fails at the first
   * check that does not hold. attempts = checks made; the stored response is the last check's.
   */
  private async executeHeld(step: StepDefinition, ctx: StepRunContext): Promise<ExecutedStep> {
    const started = performance.now();
    const log = stepLog(ctx);
    let checks = 0;
    const held = await runHoldChecks(step.holdFor!, ctx.signal, () => this.attempt(step, ctx, (runner, runCtx) => runner.run(runCtx), attemptLog(log, ++checks)));
    return this.outcome({ ...held.last, error: held.error }, held.checks, started, log);
  }

  /**
   * Starts a background step. Plugins with `prepare` (a Kafka subscription) are positioned before
   * `ready` resolves, so the flow's next step cannot produce a message they would miss; they are not
   * retried, since re-subscribing would lose what the first subscription saw.
   */
  start(step: StepDefinition, ctx: StepRunContext, late?: LateInputs): BackgroundStepHandle {
    const runner = this.registry.get(step.type)?.runner;
    if (!runner?.prepare) {
      const done = this.execute(step, ctx);
      return { ready: Promise.resolve(), done };
    }
    let markReady!: () => void;
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    const started = performance.now();
    const log = stepLog(ctx);
    const done = this.attempt(
      step,
      ctx,
      async (plugin, runCtx, tools) => {
        const complete = await plugin.prepare!(runCtx);
        markReady();
        if (!late) return complete();
        // Timed out or cancelled while the steps it matches on run: the plugin reports that itself.
        const settled = await Promise.race([late.ready.then((reason) => ({ reason })), whenAborted(runCtx.signal)]);
        if (!settled) return complete();
        return complete(this.lateConfig(settled.reason, late, tools));
      },
      (message) => log.write(message),
      late?.fields,
    )
      .then((attempt) => this.outcome(attempt, 1, started, log))
      .finally(() => markReady());
    return { ready, done };
  }

  /**
   * Deferred match, once the steps the late fields read have finished: their substituted values, or —
   * when one of those steps did not succeed — the subscription is ended and the step is SKIPPED.
   */
  private lateConfig(skipReason: string | undefined, late: LateInputs, tools: AttemptTools): Record<string, unknown> {
    if (skipReason !== undefined) {
      const skipped = new StepSkipped(`skipped: ${skipReason}`);
      tools.abort(skipped);
      throw skipped;
    }
    return tools.lateConfig(late.fields);
  }

  private async attempt(
    step: StepDefinition,
    ctx: StepRunContext,
    invoke: (runner: AnyStepRunner, runCtx: Parameters<AnyStepRunner['run']>[0], tools: AttemptTools) => Promise<StepResult>,
    log: (message: string) => void,
    deferredFields?: readonly string[],
  ): Promise<Attempt> {
    let request: unknown = null;
    // Secrets of the execution's resources (every form they may take), redacted from all that is stored or published.
    let secretValues = knownSecrets(ctx);
    const timeoutMs = step.timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
    let deadline: NodeJS.Timeout | undefined;
    let relay: (() => void) | undefined;
    try {
      const plugin = this.registry.get(step.type);
      if (!plugin) throw new PermanentStepFailure(`step type "${step.type}" is not registered in this worker`);
      const config = substitute(deferredFields ? withoutFields(step.config, deferredFields) : step.config, ctx.scope);
      const { config: validated, problems } = this.registry.validateConfig<Record<string, unknown>>(step.type, config, true);
      if (problems.length) {
        request = redactRequest(config);
        throw new PermanentStepFailure(`invalid config after substitution: ${problems.map((p) => `${p.pointer || '/'} ${p.message}`).join('; ')}`);
      }
      const resource = await this.resolveResource(plugin, validated!, ctx.teamId);
      if (resource?.secretValues?.length) {
        resource.secretValues.forEach((value) => ctx.secretValues.add(value));
        secretValues = knownSecrets(ctx);
      }
      request = redactRequest(config, secretValues);
      const own = new AbortController();
      // One timer, cleared when the attempt ends: AbortSignal.timeout would keep its timer and signal for
      // the whole timeout after a step that took a millisecond (30 s by default: tens of thousands alive
      // in a busy worker). The reason is the very TimeoutError AbortSignal.timeout gives, which describe() reports.
      deadline = setTimeout(() => own.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), timeoutMs).unref();
      // The run's signal reaches the attempt through a listener removed when the attempt ends: cheaper than
      // AbortSignal.any, which builds a composite signal tracked by weak references on every attempt.
      if (ctx.signal.aborted) own.abort(ctx.signal.reason);
      else ctx.signal.addEventListener('abort', (relay = () => own.abort(ctx.signal.reason)), { once: true });
      const signal = own.signal;
      const tools: AttemptTools = {
        abort: (reason) => own.abort(reason),
        lateConfig: (fields) => {
          const lateValues = substitute(pickFields(step.config, fields), ctx.scope);
          const full = { ...config, ...lateValues };
          const checked = this.registry.validateConfig<Record<string, unknown>>(step.type, full, true);
          request = redactRequest(full, secretValues);
          if (checked.problems.length) {
            throw new PermanentStepFailure(`invalid config after substitution: ${checked.problems.map((p) => `${p.pointer || '/'} ${p.message}`).join('; ')}`);
          }
          return pickFields(checked.config!, fields);
        },
      };
      const result = await invoke(plugin.runner, {
        config: validated!,
        resource,
        signal,
        executionId: ctx.executionId,
        correlationId: ctx.scope.execution!.correlationId,
        traceId: ctx.scope.execution!.traceId,
        stepName: step.name,
        executionStartedAt: ctx.executionStartedAt,
        deadline: Date.now() + timeoutMs,
        log,
        assertedPaths: (step.assertions ?? []).map((a) => a.path),
        ...(deferredFields && { deferredFields }),
      }, tools);
      if (signal.aborted && !ctx.signal.aborted) throw new Error(`step timed out after ${timeoutMs} ms`);
      const assertions = evaluateAssertions(result, substitute((step.assertions ?? []) as Assertion[], { ...ctx.scope }));
      const failed = assertions.filter((a) => !a.passed);
      return {
        request,
        response: redactDeep(result, secretValues) as StepResult,
        liveResponse: result,
        assertions: redactDeep(assertions, secretValues) as AssertionResult[],
        error: failed.length ? redactText(`assertion failed: ${failed.map((a) => a.message).join('; ')}`, secretValues) : undefined,
      };
    } catch (error) {
      if (error instanceof StepSkipped) return { request, assertions: [], error: error.message, skipped: true };
      // A plugin may fail with the result that proves the failure (the message an `expect: "none"` step found).
      const result = failureResult(error);
      return {
        request,
        ...(result && { response: redactDeep(result, secretValues) as StepResult, liveResponse: result }),
        assertions: [],
        error: redactText(describe(error, ctx, timeoutMs), secretValues),
        permanent: error instanceof PermanentStepFailure || isSubstitution(error) || isFinal(error),
      };
    } finally {
      clearTimeout(deadline);
      if (relay) ctx.signal.removeEventListener('abort', relay);
    }
  }

  /**
   * The resource the plugin declares, present and of its type: this is what lets a plugin take
   * `ctx.resource` as given (StepContext's resource type) instead of checking it itself.
   */
  private async resolveResource({ metadata, resourceType }: RegisteredStep, config: Record<string, unknown>, teamId: string): Promise<ResolvedResource | undefined> {
    if (!resourceType) return undefined;
    const resourceId = config.resourceId;
    if (resourceId === undefined && metadata.resourceOptional) return undefined;
    if (typeof resourceId !== 'string') {
      throw new PermanentStepFailure(`a ${metadata.type} step needs a ${resourceType} resource: set config.resourceId to the id of one`);
    }
    try {
      const resource = await this.resources.resolve(teamId, resourceId);
      if (resource.type !== resourceType) {
        throw new PermanentStepFailure(`resource "${resource.name}" is a ${resource.type} resource; a ${metadata.type} step needs a ${resourceType} resource`);
      }
      return resource;
    } catch (error) {
      if (error instanceof AppException) throw new PermanentStepFailure(`resource ${resourceId} not found in this team`);
      throw error;
    }
  }

  private outcome(attempt: Attempt, attempts: number, started: number, log: StepLog): ExecutedStep {
    const logs = log.lines();
    return {
      status: attempt.skipped ? 'SKIPPED' : attempt.error ? 'ERROR' : 'SUCCESS',
      request: attempt.request,
      response: attempt.response,
      liveResponse: attempt.liveResponse,
      assertions: attempt.assertions,
      attempts,
      error: attempt.error ?? null,
      durationMs: performance.now() - started,
      ...(logs && { logs }),
    };
  }
}

/** The step's `ctx.log` lines, redacted with the run's secrets as known when each line is written. */
function stepLog(ctx: StepRunContext): StepLog {
  return new StepLog((line) => redactText(line, knownSecrets(ctx)));
}

/** Lines of a retry (or a later hold check) say which attempt wrote them. */
function attemptLog(log: StepLog, attempt: number): (message: string) => void {
  return attempt === 1 ? (message) => log.write(message) : (message) => log.write(`[attempt ${attempt}] ${message}`);
}

/** Resolves (undefined) once `signal` aborts; never rejects. */
function whenAborted(signal: AbortSignal): Promise<undefined> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve(undefined);
    else signal.addEventListener('abort', () => resolve(undefined), { once: true });
  });
}

function withoutFields(config: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).filter(([key]) => !fields.includes(key)));
}

function pickFields(config: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).filter(([key]) => fields.includes(key)));
}

/** Longest first, so a secret is not half-replaced by a shorter one it contains. */
function knownSecrets(ctx: StepRunContext): string[] {
  return [...ctx.secretValues].sort((a, b) => b.length - a.length);
}

function failureResult(error: unknown): StepResult | undefined {
  const result = error instanceof StepError ? error.details?.result : undefined;
  return result !== null && typeof result === 'object' && !Array.isArray(result) ? (result as StepResult) : undefined;
}

/** A plugin's failure that retrying cannot undo (an `expect: "none"` search that found a match): a retry would only look away from it. */
function isFinal(error: unknown): boolean {
  return error instanceof StepError && error.details?.final === true;
}

function isSubstitution(error: unknown): boolean {
  return error instanceof Error && error.name === 'SubstitutionError';
}

function describe(error: unknown, ctx: StepRunContext, timeoutMs: number): string {
  if (ctx.signal.aborted) return `aborted: ${reasonText(ctx.signal.reason)}`;
  if (error instanceof Error && (error.name === 'TimeoutError' || /timed out|aborted/i.test(error.message)) && !ctx.signal.aborted) {
    return error.message.includes('timed out') ? error.message : `step timed out after ${timeoutMs} ms`;
  }
  return error instanceof Error ? error.message : String(error);
}

export function reasonText(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason ?? 'aborted');
}
