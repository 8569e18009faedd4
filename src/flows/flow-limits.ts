/** Bounds of one flow definition, checked on save and on import (DESIGN.md §5). */
export const FLOW_LIMITS = {
  /** Long chains are real (paging through 1,000 items, polling ladders); the 2 MB request body bounds the rest. */
  steps: 1000,
  variables: 100,
  assertionsPerStep: 50,
  /** Bytes of one step's config serialised as JSON. */
  configBytes: 64 * 1024,
  timeoutMs: { min: 1, max: 3_600_000 },
  nameLength: 120,
  descriptionLength: 2000,
  tags: 20,
  tagLength: 50,
  /** Flows in one import document. */
  importFlows: 500,
} as const;

/** Step and variable names: usable as the root of a `${name...}` reference. */
export const REFERENCE_NAME = /^[a-zA-Z_][a-zA-Z0-9_]{0,63}$/;

/** Roots that mean something else in `${...}` and therefore cannot name a step or a variable. */
export const RESERVED_ROOTS: Readonly<Record<string, string>> = {
  env: '${env.NAME} reads the environment',
  execution: '${execution.correlationId} and its siblings read the running execution',
};

/** Client-supplied step ids (generated ones are uuids). */
export const STEP_ID = /^[A-Za-z0-9_-]{1,64}$/;
