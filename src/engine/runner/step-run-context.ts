import type { RetryDefinition } from '../../flows/flow-definition';
import type { SubstitutionScope } from '../../flow-language/substitution/substitution-scope';

/** What the executor needs to know about the execution a step belongs to. */
export interface StepRunContext {
  executionId: string;
  teamId: string;
  executionStartedAt: number;
  /** Aborted on cancel, execution timeout or worker shutdown. */
  signal: AbortSignal;
  scope: SubstitutionScope;
  /**
   * Secret values (every form, see redactionValues) of each resource this execution's steps used so
   * far. A later step may copy one out of an earlier response (`${first.response…}` is not redacted in
   * memory), so every step's stored result is redacted with all of them, not only its own resource's.
   */
  secretValues: Set<string>;
  /** The flow's `defaults.retry`: what a step without its own retry gets (none: run once). */
  retryDefaults?: RetryDefinition;
}
