import type { StepDefinition } from '../../flows/flow-definition';
import type { StepStatus } from '../execution-status';

/** What a re-run reads of the original's step rows to decide whether they can be reused. */
export interface StoredStepResult {
  status: StepStatus;
  request: unknown;
  response: unknown;
}

/** Where a re-run `?fromStep=` starts: that step's index, or why it cannot start there. */
export type ResumePoint = { index: number } | { problem: string };

/**
 * Checks that the steps before `fromStep` can be reused as if they had just run: each one finished
 * (SUCCESS, SKIPPED, or ERROR on a step the flow goes on after — continueOnFailure or allowFailure),
 * ran in the foreground (a background step's outcome is settled only when the flow ends, and it may be
 * matching on the very steps that run again), and is stored whole (a truncated request or response
 * would feed later `${…}` references something other than what the step returned).
 */
export function resumePoint(steps: readonly StepDefinition[], stored: readonly StoredStepResult[], fromStep: string): ResumePoint {
  const index = steps.findIndex((s) => s.name === fromStep);
  if (index < 0) return { problem: `no step named "${fromStep}" in this version of the flow (steps: ${steps.map((s) => s.name).join(', ')})` };
  for (let i = 0; i < index; i++) {
    const step = steps[i];
    const row = stored[i];
    if (step.runInBackground) return { problem: `step "${step.name}" before "${fromStep}" runs in the background: its outcome may depend on the steps that would run again, so it cannot be reused` };
    if (!row || !['SUCCESS', 'SKIPPED', 'ERROR'].includes(row.status)) {
      return { problem: `step "${step.name}" did not finish in the original run (${row?.status ?? 'missing'}): there is no result to resume from` };
    }
    if (row.status === 'ERROR' && !step.continueOnFailure && !step.allowFailure) {
      return { problem: `step "${step.name}" failed in the original run and the flow does not continue after it (no continueOnFailure): nothing to resume from` };
    }
    if (isTruncated(row.request) || isTruncated(row.response)) {
      return { problem: `the stored result of step "${step.name}" was truncated (STEP_RESULT_MAX_BYTES / EXECUTION_RESULT_MAX_BYTES): later steps could not read it whole` };
    }
  }
  return { index };
}

function isTruncated(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { truncated?: unknown }).truncated === true;
}
