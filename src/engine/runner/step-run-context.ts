import type { SubstitutionScope } from '../substitution/substitution-scope';

/** What the executor needs to know about the execution a step belongs to. */
export interface StepRunContext {
  executionId: string;
  teamId: string;
  executionStartedAt: number;
  /** Aborted on cancel, execution timeout or worker shutdown. */
  signal: AbortSignal;
  scope: SubstitutionScope;
}
