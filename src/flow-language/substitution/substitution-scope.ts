/** What a step exposes to later steps: `${name.response...}`, `${name.request...}`, `${name.status}`. */
export interface StepScope {
  response?: unknown;
  request?: unknown;
  status?: string;
}

/** The running execution, read by `${execution.<field>}`. */
export interface ExecutionScope {
  id: string;
  /** The run's correlation id: what the http step sends as X-Correlation-Id (or the step's header). */
  correlationId: string;
  /** W3C trace id (32 lowercase hex) of the run's traceparent headers. */
  traceId: string;
  /** ISO-8601 time the run started. */
  startedAt: string;
}

/** Everything a `${...}` reference can read while one step's config is substituted. */
export interface SubstitutionScope {
  /** Flow variables after run-time overrides. */
  variables: Record<string, unknown>;
  /** Steps that have produced something so far, by step name. */
  steps: Record<string, StepScope>;
  /** Environment values the caller has already filtered to the allow-list; `${env.NAME}` reads only these. */
  env: Record<string, string>;
  /** Absent only where no execution runs (save-time checks, unit use): `${execution.…}` then fails naming it. */
  execution?: ExecutionScope;
}
