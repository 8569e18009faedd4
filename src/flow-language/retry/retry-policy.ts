/** How a failed step attempt is retried (seed LLD §6.1). */
export interface RetryPolicy {
  /** Retries after the first attempt; 0 = run once. */
  maxRetries: number;
  /** Wait before the first retry. */
  initialDelayMs: number;
  /** Each further retry waits this many times longer than the previous one. */
  backoffMultiplier: number;
  /** Upper bound of any single wait; wins over initialDelayMs if smaller. */
  maxDelayMs: number;
}

/** The seed's defaults (LLD §6.1 `RetryPolicy`): 3 retries, 1 s, doubling, at most 30 s. */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxRetries: 3,
  initialDelayMs: 1_000,
  backoffMultiplier: 2.0,
  maxDelayMs: 30_000,
});

/** A step's policy: its own fields where set, the defaults elsewhere (an explicit undefined does not erase a default). */
export function resolveRetryPolicy(partial?: Partial<RetryPolicy> | null): RetryPolicy {
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY };
  for (const key of Object.keys(policy) as Array<keyof RetryPolicy>) {
    const value = partial?.[key];
    if (value !== undefined && value !== null) policy[key] = value;
  }
  return policy;
}

/**
 * Milliseconds to wait before retry number `attempt` (1 = the first retry): initialDelayMs ×
 * backoffMultiplier^(attempt − 1), capped at maxDelayMs and rounded to whole milliseconds.
 */
export function retryDelayMs(policy: RetryPolicy, attempt: number): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`retry attempt must be an integer >= 1, got ${attempt}`);
  // Infinity from a large exponent is fine here: Math.min brings it back to the cap.
  const delay = policy.initialDelayMs * Math.pow(policy.backoffMultiplier, attempt - 1);
  return Math.max(0, Math.round(Math.min(delay, policy.maxDelayMs)));
}
