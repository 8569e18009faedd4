// The shape of a flow as stored in an immutable version and as run by the engine (DESIGN.md §5).
// Plain types shared by the flows module (which validates and stores them) and the engine (which runs
// them); the validating DTO classes live in flows/dto/.

export type VariableType = 'string' | 'number' | 'boolean' | 'json';

export interface VariableDeclaration {
  name: string;
  type: VariableType;
  default?: unknown;
  required?: boolean;
  description?: string;
}

export interface AssertionDefinition {
  path: string;
  operator: string;
  expected?: unknown;
}

export interface RetryDefinition {
  maxRetries?: number;
  initialDelayMs?: number;
  backoffMultiplier?: number;
  maxDelayMs?: number;
}

/** "Consistently": the step must hold on every check, every intervalMs for durationMs (flow-language/hold). */
export interface HoldDefinition {
  durationMs: number;
  intervalMs: number;
}

export interface StepDefinition {
  /** Stable id of the step across versions (used by diffs and the UI). */
  id: string;
  /** Unique in the flow; used in `${name.response...}` references. */
  name: string;
  type: string;
  config: Record<string, unknown>;
  assertions?: AssertionDefinition[];
  timeoutMs?: number;
  retry?: RetryDefinition;
  /** Not together with `retry`, not on a background step. */
  holdFor?: HoldDefinition;
  continueOnFailure?: boolean;
  runInBackground?: boolean;
  /** A failure of this step is a warning: the step stays ERROR, the run can still end COMPLETED. */
  allowFailure?: boolean;
  /** Condition (conditions/condition-parser.ts); false → the step is SKIPPED with the evaluated condition. */
  when?: string;
}

/** Flow-level defaults that steps inherit unless they set their own. */
export interface FlowDefaults {
  /** Applies to every step without its own `retry`; without it (and without a step retry) a step runs once. */
  retry?: RetryDefinition;
}

/**
 * What a flow hands back when it ends: output name (a REFERENCE_NAME) → template over its variables and
 * steps (`"${placeOrder.response.body.id}"`). Stored on the execution; a parent's `flow` step reads them
 * as `${child.response.outputs.<name>}`.
 */
export type FlowOutputs = Record<string, string>;

/** One immutable version of a flow: what an execution pins and runs. */
export interface FlowVersionSnapshot {
  flowId: string;
  teamId: string;
  flowName: string;
  version: number;
  variables: VariableDeclaration[];
  steps: StepDefinition[];
  outputs: FlowOutputs;
  defaults?: FlowDefaults;
}
