import { DEFAULT_RETRY_POLICY, NO_RETRY, resolveRetryPolicy, retryDelayMs, type RetryPolicy } from './retry-policy';

describe('DEFAULT_RETRY_POLICY', () => {
  it('matches the seed LLD §6.1 defaults and cannot be changed', () => {
    expect(DEFAULT_RETRY_POLICY).toEqual({ maxRetries: 3, initialDelayMs: 1000, backoffMultiplier: 2, maxDelayMs: 30000 });
    expect(Object.isFrozen(DEFAULT_RETRY_POLICY)).toBe(true);
  });
});

describe('resolveRetryPolicy', () => {
  it('layers the step over the flow defaults over DEFAULT_RETRY_POLICY', () => {
    expect(resolveRetryPolicy(undefined, { maxRetries: 2, initialDelayMs: 10 })).toEqual({ ...DEFAULT_RETRY_POLICY, maxRetries: 2, initialDelayMs: 10 });
    expect(resolveRetryPolicy({ maxRetries: 0 }, { maxRetries: 2, initialDelayMs: 10 })).toEqual({ ...DEFAULT_RETRY_POLICY, maxRetries: 0, initialDelayMs: 10 });
  });

  it('does not retry when no retry is written anywhere, and fills a written one with the defaults', () => {
    expect(resolveRetryPolicy()).toEqual({ ...DEFAULT_RETRY_POLICY, maxRetries: 0 });
    expect(resolveRetryPolicy(null)).toEqual(NO_RETRY);
    expect(resolveRetryPolicy({})).toEqual(DEFAULT_RETRY_POLICY);
  });

  it('overrides only the fields given, including zero', () => {
    expect(resolveRetryPolicy({ maxRetries: 0 })).toEqual({ ...DEFAULT_RETRY_POLICY, maxRetries: 0 });
    expect(resolveRetryPolicy({ initialDelayMs: 0, backoffMultiplier: 1.5 })).toEqual({
      maxRetries: 3,
      initialDelayMs: 0,
      backoffMultiplier: 1.5,
      maxDelayMs: 30000,
    });
  });

  it('does not let an explicit undefined erase a default', () => {
    expect(resolveRetryPolicy({ maxRetries: undefined, maxDelayMs: 5000 })).toEqual({ ...DEFAULT_RETRY_POLICY, maxDelayMs: 5000 });
  });

  it('returns a fresh object', () => {
    const policy = resolveRetryPolicy();
    policy.maxRetries = 9;
    expect(DEFAULT_RETRY_POLICY.maxRetries).toBe(3);
  });
});

describe('retryDelayMs', () => {
  it('waits initialDelayMs before the first retry and grows exponentially', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => retryDelayMs(DEFAULT_RETRY_POLICY, attempt))).toEqual([1000, 2000, 4000, 8000, 16000]);
  });

  it('caps every wait at maxDelayMs', () => {
    expect(retryDelayMs(DEFAULT_RETRY_POLICY, 6)).toBe(30000); // 32 000 uncapped
    expect(retryDelayMs(DEFAULT_RETRY_POLICY, 100)).toBe(30000);
    expect(retryDelayMs(DEFAULT_RETRY_POLICY, 5000)).toBe(30000); // 2^4999 overflows to Infinity
  });

  it('lets a cap below the initial delay win', () => {
    expect(retryDelayMs({ ...DEFAULT_RETRY_POLICY, initialDelayMs: 5000, maxDelayMs: 2000 }, 1)).toBe(2000);
  });

  it('keeps a constant delay with multiplier 1 and rounds fractional results', () => {
    const constant: RetryPolicy = { maxRetries: 5, initialDelayMs: 250, backoffMultiplier: 1, maxDelayMs: 1000 };
    expect([1, 2, 3].map((attempt) => retryDelayMs(constant, attempt))).toEqual([250, 250, 250]);
    const fractional: RetryPolicy = { maxRetries: 5, initialDelayMs: 100, backoffMultiplier: 1.5, maxDelayMs: 10000 };
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(fractional, attempt))).toEqual([100, 150, 225, 338]);
  });

  it('gives 0 for a zero initial delay', () => {
    expect(retryDelayMs({ ...DEFAULT_RETRY_POLICY, initialDelayMs: 0 }, 3)).toBe(0);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses attempt %p', (attempt) => {
    expect(() => retryDelayMs(DEFAULT_RETRY_POLICY, attempt)).toThrow(RangeError);
  });
});
