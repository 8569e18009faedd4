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

/**
 * What the fields of a `retry` that is written (on the step or in the flow's `defaults.retry`) take
 * when omitted: 3 retries, 1 s, doubling, at most 30 s. A step without any retry is not retried.
 */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxRetries: 3,
  initialDelayMs: 1_000,
  backoffMultiplier: 2.0,
  maxDelayMs: 30_000,
});

/** Run once: what a step gets when neither it nor its flow asks for retries (no implicit retries). */
export const NO_RETRY: Readonly<RetryPolicy> = Object.freeze({ ...DEFAULT_RETRY_POLICY, maxRetries: 0 });

/**
 * A step's policy: its own fields where set, then the flow's `defaults.retry`, then DEFAULT_RETRY_POLICY
 * (an explicit undefined does not erase a default). Without any retry written, NO_RETRY: a
 * non-idempotent POST is sent once unless the author asked otherwise.
 */
export function resolveRetryPolicy(partial?: Partial<RetryPolicy> | null, flowDefault?: Partial<RetryPolicy> | null): RetryPolicy {
  if (!partial && !flowDefault) return { ...NO_RETRY };
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY };
  for (const source of [flowDefault, partial]) {
    for (const key of Object.keys(policy) as Array<keyof RetryPolicy>) {
      const value = source?.[key];
      if (value !== undefined && value !== null) policy[key] = value;
    }
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
