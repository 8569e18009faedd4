import type { StepOutcome } from '../../executions/execution-progress.service';

export interface ExecutedStep extends StepOutcome {
  /** Substituted, redacted config of the last attempt (null when substitution itself failed). */
  request: unknown;
  /**
   * The plugin's result before redaction (`response` is redacted): kept in this worker's memory so a
   * later step's `${step.response…}` can still use a value the resource's secrets appear in. Never
   * stored, published or logged.
   */
  liveResponse?: unknown;
}

/**
 * Late fields of a background step (deferred match): left out when it is prepared, substituted and
 * handed to the plugin once `ready` resolves — undefined when the steps they read succeeded, else the
 * reason the step is SKIPPED instead.
 */
export interface LateInputs {
  fields: readonly string[];
  ready: Promise<string | undefined>;
}

/** A step that runs in the background: `ready` once positioned (the flow may go on), `done` at the end. */
export interface BackgroundStepHandle {
  ready: Promise<void>;
  done: Promise<ExecutedStep>;
}
