/**
 * The one step type the flows module and the engine know by name: flows calling flows is part of the
 * flow language (the flows module checks the call graph for cycles and depth at save), not an
 * integration with a system under test.
 */
export const SUB_FLOW_STEP_TYPE = 'flow';

/** How deep sub-flows may nest: a top-level run may call a child, … down to this many levels. */
export const MAX_FLOW_NESTING = 5;

/** What a `flow` step asks for: a run of another flow of the parent's team. */
export interface ChildFlowRequest {
  /** The execution running the `flow` step, and that step. */
  parentExecutionId: string;
  parentStepName: string;
  flowId: string;
  /** A pinned version; the latest when absent. */
  version?: number;
  /** Run-time variables of the child, as after substitution in the parent. */
  variables: Record<string, unknown>;
  /** The parent step's signal (cancel, step timeout, execution timeout, shutdown): aborting it cancels the child. */
  signal: AbortSignal;
}

/** The child's terminal state. */
export interface ChildFlowResult {
  executionId: string;
  flowName: string;
  status: 'COMPLETED' | 'FAILED' | 'CANCELLED';
  outputs: Record<string, unknown> | null;
  /** The error of the child's first failed step, else the execution's error. */
  error: string | null;
  /** Name of the child's first failed step, when a step failed it. */
  failedStep: string | null;
}

/**
 * The narrow port the `flow` step plugin runs children through (DESIGN.md §3/§4: a plugin knows nothing
 * of persistence, queues or sockets). Implemented by the engine (engine/sub-flows/), provided under
 * CHILD_FLOW_RUNNER; absent in an API-only process, where no step runs.
 */
export interface ChildFlowRunner {
  /**
   * Starts a child execution of the flow for the parent and resolves with its terminal state. Rejects
   * with a message a tester understands when the child cannot be started (unknown flow, too deep).
   */
  run(request: ChildFlowRequest): Promise<ChildFlowResult>;
}

export const CHILD_FLOW_RUNNER = Symbol('ChildFlowRunner');
