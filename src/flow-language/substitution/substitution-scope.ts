/** What a step exposes to later steps: `${name.response...}`, `${name.request...}`, `${name.status}`. */
export interface StepScope {
  response?: unknown;
  request?: unknown;
  status?: string;
}

/** Everything a `${...}` reference can read while one step's config is substituted. */
export interface SubstitutionScope {
  /** Flow variables after run-time overrides. */
  variables: Record<string, unknown>;
  /** Steps that have produced something so far, by step name. */
  steps: Record<string, StepScope>;
  /** Environment values the caller has already filtered to the allow-list; `${env.NAME}` reads only these. */
  env: Record<string, string>;
}
