import { Injectable } from '@nestjs/common';
import { AppException } from '../../common/errors/app.exception';
import type { StepDefinition } from '../../flows/flow-definition';
import { ResourcesService } from '../../resources/resources.service';
import type { ResolvedResource, StepResult, StepRunner } from '../../steps/step-plugin';
import { StepRegistry } from '../../steps/step-registry.service';
import type { Assertion, AssertionResult } from '../assertions/assertion';
import { evaluateAssertions } from '../assertions/evaluate-assertions';
import { resolveRetryPolicy, retryDelayMs } from '../retry/retry-policy';
import { sleep } from '../retry/sleep';
import { substitute } from '../substitution/substitute';
import { redactRequest } from './redact';
import type { StepRunContext } from './step-run-context';
import { DEFAULT_STEP_TIMEOUT_MS } from './step-timeout';
import type { BackgroundStepHandle, ExecutedStep } from './step-outcome';


/** An attempt that cannot succeed by retrying (bad reference, invalid config, missing resource). */
class PermanentStepFailure extends Error {}

interface Attempt {
  request: unknown;
  response?: StepResult;
  assertions: AssertionResult[];
  error?: string;
  permanent?: boolean;
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
    const policy = resolveRetryPolicy(step.retry);
    const started = performance.now();
    let last: Attempt = { request: null, assertions: [] };
    let attempts = 0;
    for (let retry = 0; retry <= policy.maxRetries; retry++) {
      if (retry > 0) await sleep(retryDelayMs(policy, retry), ctx.signal);
      attempts++;
      last = await this.attempt(step, ctx, (runner, runCtx) => runner.run(runCtx));
      if (!last.error || last.permanent || ctx.signal.aborted) break;
    }
    return this.outcome(last, attempts, started);
  }

  /**
   * Starts a background step. Plugins with `prepare` (a Kafka subscription) are positioned before
   * `ready` resolves, so the flow's next step cannot produce a message they would miss; they are not
   * retried, since re-subscribing would lose what the first subscription saw.
   */
  start(step: StepDefinition, ctx: StepRunContext): BackgroundStepHandle {
    const runner = this.registry.get(step.type)?.runner;
    if (!runner?.prepare) {
      const done = this.execute(step, ctx);
      return { ready: Promise.resolve(), done };
    }
    let markReady!: () => void;
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    const started = performance.now();
    const done = this.attempt(step, ctx, async (plugin, runCtx) => {
      const complete = await plugin.prepare!(runCtx);
      markReady();
      return complete();
    })
      .then((attempt) => this.outcome(attempt, 1, started))
      .finally(() => markReady());
    return { ready, done };
  }

  private async attempt(
    step: StepDefinition,
    ctx: StepRunContext,
    invoke: (runner: StepRunner, runCtx: Parameters<StepRunner['run']>[0]) => Promise<StepResult>,
  ): Promise<Attempt> {
    let request: unknown = null;
    const timeoutMs = step.timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
    try {
      const plugin = this.registry.get(step.type);
      if (!plugin) throw new PermanentStepFailure(`step type "${step.type}" is not registered in this worker`);
      const config = substitute(step.config, ctx.scope);
      const { config: validated, problems } = this.registry.validateConfig<Record<string, unknown>>(step.type, config, true);
      if (problems.length) {
        request = redactRequest(config);
        throw new PermanentStepFailure(`invalid config after substitution: ${problems.map((p) => `${p.pointer || '/'} ${p.message}`).join('; ')}`);
      }
      const resource = await this.resolveResource(plugin.metadata.resource, validated!, ctx.teamId);
      request = redactRequest(config, resource?.secretValues);
      const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]);
      const result = await invoke(plugin.runner, {
        config: validated!,
        resource,
        signal,
        executionId: ctx.executionId,
        stepName: step.name,
        executionStartedAt: ctx.executionStartedAt,
        deadline: Date.now() + timeoutMs,
        log: () => undefined,
      });
      if (signal.aborted && !ctx.signal.aborted) throw new Error(`step timed out after ${timeoutMs} ms`);
      const assertions = evaluateAssertions(result, substitute((step.assertions ?? []) as Assertion[], { ...ctx.scope }));
      const failed = assertions.filter((a) => !a.passed);
      return {
        request,
        response: result,
        assertions,
        error: failed.length ? `assertion failed: ${failed.map((a) => a.message).join('; ')}` : undefined,
      };
    } catch (error) {
      return { request, assertions: [], error: describe(error, ctx, timeoutMs), permanent: error instanceof PermanentStepFailure || isSubstitution(error) };
    }
  }

  private async resolveResource(type: string | undefined, config: Record<string, unknown>, teamId: string): Promise<ResolvedResource | undefined> {
    const resourceId = config.resourceId;
    if (!type || typeof resourceId !== 'string') return undefined;
    try {
      const resource = await this.resources.resolve(teamId, resourceId);
      if (resource.type !== type) throw new PermanentStepFailure(`resource "${resource.name}" is a ${resource.type} resource, this step needs ${type}`);
      return resource;
    } catch (error) {
      if (error instanceof AppException) throw new PermanentStepFailure(`resource ${resourceId} not found in this team`);
      throw error;
    }
  }

  private outcome(attempt: Attempt, attempts: number, started: number): ExecutedStep {
    return {
      status: attempt.error ? 'ERROR' : 'SUCCESS',
      request: attempt.request,
      response: attempt.response,
      assertions: attempt.assertions,
      attempts,
      error: attempt.error ?? null,
      durationMs: performance.now() - started,
    };
  }
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
