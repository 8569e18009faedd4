import { checkWorstCaseDuration, flowWorstCase, stepWorstCase } from './worst-case-duration';

const HOUR = 3_600_000;

describe('stepWorstCase', () => {
  it('is one attempt of the default 30 s timeout for a step without retry (no implicit retries)', () => {
    expect(stepWorstCase({ name: 'call' }, 0)).toEqual({ index: 0, name: 'call', ms: 30_000, how: '1 attempt × 30 s' });
  });

  it('counts the flow\'s defaults.retry for a step without its own: the default backoff waits (1 s, 2 s, 4 s)', () => {
    expect(stepWorstCase({ name: 'call' }, 0, { maxRetries: 3 })).toEqual({ index: 0, name: 'call', ms: 4 * 30_000 + 7_000, how: '4 attempts × 30 s + 7 s of retry waits' });
    expect(stepWorstCase({ name: 'call', retry: { maxRetries: 0 } }, 0, { maxRetries: 3 }).ms).toBe(30_000);
  });

  it('does not retry a holdFor step, whatever the flow\'s defaults.retry', () => {
    expect(stepWorstCase({ name: 'stay', holdFor: { durationMs: 5000, intervalMs: 1000 } }, 0, { maxRetries: 3 }).ms).toBe(5000 + 30_000);
  });

  it('uses the step timeout, and caps every wait at maxDelayMs', () => {
    const step = { name: 'poll', timeoutMs: 2000, retry: { maxRetries: 5, initialDelayMs: 1000, backoffMultiplier: 10, maxDelayMs: 5000 } };
    // waits 1 s, 5 s, 5 s, 5 s, 5 s
    expect(stepWorstCase(step, 3).ms).toBe(6 * 2000 + 21_000);
  });

  it('counts one attempt without retries', () => {
    expect(stepWorstCase({ name: 'once', timeoutMs: 500, retry: { maxRetries: 0 } }, 0)).toMatchObject({ ms: 500, how: '1 attempt × 0.5 s' });
  });

  it('takes defaults for malformed fields instead of producing NaN (the shape check reports them)', () => {
    expect(stepWorstCase({ timeoutMs: 'x', retry: { maxRetries: -3, maxDelayMs: 'y' } }, 2)).toMatchObject({ name: '#2', ms: 127_000 });
  });
});

describe('flowWorstCase', () => {
  const fg = (name: string, timeoutMs: number) => ({ name, timeoutMs, retry: { maxRetries: 0 } });
  const bg = (name: string, timeoutMs: number) => ({ ...fg(name, timeoutMs), runInBackground: true });

  it('adds foreground steps', () => {
    expect(flowWorstCase([fg('a', 1000), fg('b', 2000)]).ms).toBe(3000);
  });

  it('runs a background step alongside the steps after it: it counts only when it outlasts them', () => {
    expect(flowWorstCase([fg('a', 1000), bg('listen', 5000), fg('b', 2000)])).toMatchObject({ ms: 6000, path: [{ name: 'a' }, { name: 'listen' }] });
    expect(flowWorstCase([bg('listen', 1000), fg('b', 2000), fg('c', 2000)])).toMatchObject({ ms: 4000, path: [{ name: 'b' }, { name: 'c' }] });
  });
});

describe('checkWorstCaseDuration', () => {
  it('accepts a flow within the budget', () => {
    expect(checkWorstCaseDuration([{ name: 'a', timeoutMs: HOUR, retry: { maxRetries: 0 } }], HOUR)).toEqual([]);
  });

  it('refuses the issue\'s 1,000 steps × 1 h × 100 retries, naming the longest steps first', () => {
    const steps = Array.from({ length: 1000 }, (_, i) => ({ name: `s${i}`, type: 'delay', timeoutMs: HOUR, retry: { maxRetries: 100 } }));
    const [p] = checkWorstCaseDuration(steps, HOUR);
    expect(p.pointer).toBe('/steps');
    expect(p.message).toMatch(/^worst-case duration \d+ s exceeds the execution time budget of 3600 s/);
    expect(p.message).toContain('"s0" (');
    expect(p.message).toContain('101 attempts × 3600 s');
    expect(p.message).toMatch(/and 992 more$/);
  });

  it('names only the steps that take the flow over the budget', () => {
    const steps = [
      { name: 'small', timeoutMs: 1000, retry: { maxRetries: 0 } },
      { name: 'wait', timeoutMs: 50 * 60_000, retry: { maxRetries: 1, initialDelayMs: 0 } },
      { name: 'other', timeoutMs: 10 * 60_000, retry: { maxRetries: 0 } },
    ];
    const [p] = checkWorstCaseDuration(steps, HOUR);
    expect(p.message).toContain('"wait" (6000 s: 2 attempts × 3000 s)');
    expect(p.message).not.toContain('"small"');
    expect(p.message).not.toContain('"other"');
  });
});
