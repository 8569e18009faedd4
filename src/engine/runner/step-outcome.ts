import type { StepOutcome } from '../../executions/execution-progress.service';

export interface ExecutedStep extends StepOutcome {
  /** Substituted, redacted config of the last attempt (null when substitution itself failed). */
  request: unknown;
}

/** A step that runs in the background: `ready` once positioned (the flow may go on), `done` at the end. */
export interface BackgroundStepHandle {
  ready: Promise<void>;
  done: Promise<ExecutedStep>;
}
