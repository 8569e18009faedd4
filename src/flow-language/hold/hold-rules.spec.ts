import { checkHoldRules } from './hold-rules';

describe('checkHoldRules', () => {
  const hold = { durationMs: 3000, intervalMs: 500 };

  it('accepts a hold on a foreground step without retry, and steps without a hold', () => {
    expect(checkHoldRules([{ holdFor: hold }, { retry: { maxRetries: 2 } }, { runInBackground: true }])).toEqual([]);
  });

  it('refuses an interval longer than the window, naming intervalMs', () => {
    expect(checkHoldRules([{}, { holdFor: { durationMs: 1000, intervalMs: 2000 } }])).toEqual([
      expect.objectContaining({ pointer: '/steps/1/holdFor/intervalMs', message: 'intervalMs (2000) must not exceed durationMs (1000)' }),
    ]);
  });

  it('leaves out-of-range fields to the DTO', () => {
    expect(checkHoldRules([{ holdFor: { durationMs: 0, intervalMs: 500 } }, { holdFor: { durationMs: 1000, intervalMs: 'x' } }])).toEqual([]);
  });

  it('refuses holdFor together with retry, naming holdFor', () => {
    const [problem] = checkHoldRules([{ holdFor: hold, retry: {} }]);
    expect(problem.pointer).toBe('/steps/0/holdFor');
    expect(problem.message).toMatch(/cannot be combined with retry/);
  });

  it('refuses holdFor on a background step', () => {
    const [problem] = checkHoldRules([{ holdFor: hold, runInBackground: true }]);
    expect(problem.pointer).toBe('/steps/0/holdFor');
    expect(problem.message).toMatch(/background step/);
  });
});
