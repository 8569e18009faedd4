import { pointerOf, problem, type FlowProblem } from '../flow-problem';
import { HOLD_LIMITS } from './hold-policy.dto';

/** What the hold rules need of a step; loose on purpose so a half-valid document can still be checked. */
interface HoldScope {
  holdFor?: unknown;
  retry?: unknown;
  runInBackground?: unknown;
}

/**
 * Rules of `holdFor` across fields (its own field types and bounds are the DTO's):
 * - intervalMs ≤ durationMs, else there would be one check and nothing held;
 * - not with `retry`: "until it holds" and "it keeps holding" judge the same step in opposite ways;
 * - not on a background step: a subscription that keeps what it saw cannot be re-run as checks.
 */
export function checkHoldRules(steps: readonly HoldScope[]): FlowProblem[] {
  const problems: FlowProblem[] = [];
  steps.forEach((step, index) => {
    const hold = step.holdFor;
    if (hold === undefined || hold === null) return;
    const at = pointerOf('', 'steps', index, 'holdFor');
    if (typeof hold === 'object' && !Array.isArray(hold)) {
      const { durationMs, intervalMs } = hold as Record<string, unknown>;
      // Out-of-range fields are the DTO's to report; comparing them would say the same thing twice.
      if (withinLimits(durationMs, HOLD_LIMITS.durationMs) && withinLimits(intervalMs, HOLD_LIMITS.intervalMs) && intervalMs > durationMs) {
        problems.push(problem(pointerOf(at, 'intervalMs'), `intervalMs (${intervalMs}) must not exceed durationMs (${durationMs})`));
      }
    }
    if (step.retry !== undefined && step.retry !== null) {
      problems.push(problem(at, 'holdFor cannot be combined with retry: retry waits until the step holds, holdFor requires it to hold on every check; keep one'));
    }
    if (step.runInBackground === true) {
      problems.push(problem(at, 'holdFor cannot be used on a background step (runInBackground): run the step in the foreground'));
    }
  });
  return problems;
}

function withinLimits(value: unknown, limits: { min: number; max: number }): value is number {
  return Number.isInteger(value) && (value as number) >= limits.min && (value as number) <= limits.max;
}
