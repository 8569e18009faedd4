// The stored shape of a suite's content (plain types shared by the service, runs and DTOs).

export const SUITE_MODES = ['parallel', 'sequential'] as const;
export type SuiteMode = (typeof SUITE_MODES)[number];

export type SuiteVariableType = 'string' | 'number' | 'boolean' | 'json';

/** A value given to flow variables (same shape as a run's variables). */
export interface SuiteVariable {
  name: string;
  value: unknown;
  type?: SuiteVariableType;
}

/** One flow of a suite, run in list order. */
export interface SuiteEntry {
  flowId: string;
  /** Pinned version; null runs the flow's latest version at run time. */
  version: number | null;
  /** Override the suite's variables for this flow. */
  variables: SuiteVariable[];
}

export const MAX_SUITE_ENTRIES = 200;
