import { AbortError } from '../retry/abort-error';
import { runHoldChecks } from './hold-checks';

describe('runHoldChecks', () => {
  it('makes every planned check when all hold and returns the last one', async () => {
    let n = 0;
    // Slots 250 ms apart: a loaded machine delaying a check by less than that cannot make it skip one.
    const outcome = await runHoldChecks({ durationMs: 1000, intervalMs: 250 }, new AbortController().signal, async (): Promise<{ n: number; error?: string }> => ({ n: ++n }));
    expect(outcome).toEqual({ last: { n: 5 }, checks: 5 });
  });

  it('stops at the first check that does not hold and names it', async () => {
    let n = 0;
    const outcome = await runHoldChecks({ durationMs: 1000, intervalMs: 20 }, new AbortController().signal, async (): Promise<{ n: number; error?: string }> => {
      n++;
      return n === 3 ? { n, error: 'assertion failed: body.status equals "PAID" (actual "REFUNDED")' } : { n };
    });
    expect(outcome.checks).toBe(3);
    expect(outcome.last.n).toBe(3);
    // +40 ms unless a busy machine made a check skip a slot: the offset is a multiple of the interval either way.
    expect(outcome.error).toMatch(/^did not hold for 1000 ms: check 3 at \+\d*[02468]0 ms failed: assertion failed: body.status equals "PAID" \(actual "REFUNDED"\)$/);
  });

  it('keeps the error of a check ended by cancellation, and rejects a wait on cancel', async () => {
    const cancelled = new AbortController();
    cancelled.abort(new Error('cancelled by user'));
    const outcome = await runHoldChecks({ durationMs: 1000, intervalMs: 20 }, cancelled.signal, async () => ({ error: 'aborted: cancelled by user' }));
    expect(outcome).toEqual({ last: { error: 'aborted: cancelled by user' }, checks: 1, error: 'aborted: cancelled by user' });

    const controller = new AbortController();
    const running = runHoldChecks({ durationMs: 10_000, intervalMs: 5_000 }, controller.signal, async () => ({}));
    setTimeout(() => controller.abort(new Error('cancelled')), 20);
    await expect(running).rejects.toBeInstanceOf(AbortError);
  });
});
