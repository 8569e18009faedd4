import { resolveRetryPolicy, retryDelayMs, type RetryPolicy } from '../../flow-language/retry/retry-policy';
import { DEFAULT_STEP_TIMEOUT_MS } from '../../engine/runner/step-timeout';
import { problem, type FlowProblem } from '../../flow-language/flow-problem';

/** The fields of a step this check reads, as submitted (each guarded: the shape check reports bad ones). */
type LooseStep = Record<string, unknown>;

/** How long one step can take at most, and how that comes about (for the message). */
export interface StepWorstCase {
  index: number;
  name: string;
  ms: number;
  /** e.g. `4 attempts × 30 s + 7 s of retry waits` */
  how: string;
}

/** Names at most this many steps in the message; the rest are "…and N more". */
const NAMED_STEPS = 8;

/**
 * Worst case of one step: every attempt runs to its timeout (the engine aborts each attempt at
 * `timeoutMs`, default 30 s, whatever the plugin waits for — a delay, a Kafka subscription window, a
 * Loki poll — so the step timeout bounds every plugin without asking it), every retry is used, and
 * every wait between attempts is the policy's backoff capped at maxDelayMs. `flowRetry`: the flow's
 * `defaults.retry`, which a step without its own retry gets (none: run once).
 */
export function stepWorstCase(step: LooseStep, index: number, flowRetry?: unknown): StepWorstCase {
  const timeoutMs = typeof step.timeoutMs === 'number' && step.timeoutMs > 0 ? step.timeoutMs : DEFAULT_STEP_TIMEOUT_MS;
  const name = typeof step.name === 'string' ? step.name : `#${index}`;
  // `holdFor` (never with retry) checks for its whole window; the last check may run to its timeout.
  const hold = isObject(step.holdFor) && typeof step.holdFor.durationMs === 'number' ? step.holdFor.durationMs : undefined;
  if (hold !== undefined) return { index, name, ms: hold + timeoutMs, how: `held for ${seconds(hold)} + a last check of up to ${seconds(timeoutMs)}` };
  const policy = resolveRetryPolicy(
    isObject(step.retry) ? (sanitizedRetry(step.retry) as Partial<RetryPolicy>) : undefined,
    isObject(flowRetry) ? (sanitizedRetry(flowRetry) as Partial<RetryPolicy>) : undefined,
  );
  const retries = Math.max(0, Math.floor(policy.maxRetries));
  let waitsMs = 0;
  for (let retry = 1; retry <= retries; retry++) waitsMs += retryDelayMs(policy, retry);
  const attempts = 1 + retries;
  const how = `${attempts} attempt${attempts === 1 ? '' : 's'} × ${seconds(timeoutMs)}${waitsMs ? ` + ${seconds(waitsMs)} of retry waits` : ''}`;
  return { index, name, ms: attempts * timeoutMs + waitsMs, how };
}

/**
 * Worst-case duration of a flow. Foreground steps run one after another; a background step starts
 * when the flow reaches it and runs alongside the steps after it, and the flow waits for it at the end
 * — so it counts from its start, and only if it outlasts the foreground steps that follow it (exact,
 * not the conservative sum). Returns the total and the steps on the longest path.
 */
export function flowWorstCase(steps: readonly LooseStep[], flowRetry?: unknown): { ms: number; path: StepWorstCase[] } {
  let foregroundMs = 0;
  const foreground: StepWorstCase[] = [];
  let longestBackground: { endMs: number; path: StepWorstCase[] } | undefined;
  steps.forEach((step, index) => {
    const worst = stepWorstCase(step, index, flowRetry);
    if (step.runInBackground === true) {
      const endMs = foregroundMs + worst.ms;
      if (!longestBackground || endMs > longestBackground.endMs) longestBackground = { endMs, path: [...foreground, worst] };
      return;
    }
    foregroundMs += worst.ms;
    foreground.push(worst);
  });
  if (longestBackground && longestBackground.endMs > foregroundMs) return { ms: longestBackground.endMs, path: longestBackground.path };
  return { ms: foregroundMs, path: foreground };
}

/**
 * A problem when the flow's worst case exceeds the execution time budget (EXECUTION_MAX_DURATION_SEC):
 * such a flow would be failed by the engine at its deadline anyway, after holding a slot for an hour.
 * Names the longest steps — those whose worst cases, largest first, take the flow over the budget.
 */
export function checkWorstCaseDuration(steps: readonly LooseStep[], budgetMs: number, flowRetry?: unknown): FlowProblem[] {
  const { ms, path } = flowWorstCase(steps, flowRetry);
  if (ms <= budgetMs) return [];
  const longest = [...path].sort((a, b) => b.ms - a.ms || a.index - b.index);
  const culprits: StepWorstCase[] = [];
  let rest = ms;
  for (const step of longest) {
    culprits.push(step);
    rest -= step.ms;
    if (rest <= budgetMs) break;
  }
  const named = culprits.slice(0, NAMED_STEPS).map((s) => `"${s.name}" (${seconds(s.ms)}: ${s.how})`);
  const more = culprits.length > NAMED_STEPS ? `, and ${culprits.length - NAMED_STEPS} more` : '';
  return [
    problem(
      '/steps',
      `worst-case duration ${seconds(ms)} exceeds the execution time budget of ${seconds(budgetMs)} (EXECUTION_MAX_DURATION_SEC); ` +
        `lower timeoutMs or retry.maxRetries (or the flow's defaults.retry) of: ${named.join(', ')}${more}`,
    ),
  ];
}

function seconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Only finite, non-negative numbers reach the arithmetic; anything else takes the default (and is reported by the shape check). */
function sanitizedRetry(retry: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of ['maxRetries', 'initialDelayMs', 'backoffMultiplier', 'maxDelayMs']) {
    const value = retry[key];
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) out[key] = value;
  }
  return out;
}
