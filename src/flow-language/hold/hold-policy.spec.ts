import { holdFailureMessage, nextCheckOffset, plannedCheckCount, type HoldPolicy } from './hold-policy';

/** The offsets a schedule gives when every check takes `checkMs`. */
function schedule(policy: HoldPolicy, checkMs: number): number[] {
  const offsets = [0];
  for (;;) {
    const previous = offsets[offsets.length - 1];
    const next = nextCheckOffset(policy, previous, previous + checkMs);
    if (next === null) return offsets;
    offsets.push(next);
  }
}

describe('hold schedule', () => {
  it('checks at +0, every interval and at +durationMs', () => {
    expect(schedule({ durationMs: 3000, intervalMs: 500 }, 5)).toEqual([0, 500, 1000, 1500, 2000, 2500, 3000]);
    expect(plannedCheckCount({ durationMs: 3000, intervalMs: 500 })).toBe(7);
  });

  it('ends with a check at exactly +durationMs when it is not a multiple of the interval', () => {
    expect(schedule({ durationMs: 1000, intervalMs: 300 }, 5)).toEqual([0, 300, 600, 900, 1000]);
    expect(plannedCheckCount({ durationMs: 1000, intervalMs: 300 })).toBe(5);
  });

  it('makes two checks when the interval is the whole window', () => {
    expect(schedule({ durationMs: 1000, intervalMs: 1000 }, 5)).toEqual([0, 1000]);
  });

  it('skips the slots a slow check has overrun instead of running back to back', () => {
    expect(schedule({ durationMs: 3000, intervalMs: 500 }, 700)).toEqual([0, 1000, 2000, 3000]);
  });

  it('stops when a check was still running at the end of the window', () => {
    expect(nextCheckOffset({ durationMs: 1000, intervalMs: 300 }, 900, 1200)).toBeNull();
    expect(nextCheckOffset({ durationMs: 1000, intervalMs: 300 }, 1000, 1001)).toBeNull();
  });

  it('names the failing check, its offset and its reason', () => {
    expect(holdFailureMessage({ durationMs: 5000, intervalMs: 1000 }, 3, 2000, 'assertion failed: body.status equals "PAID" (actual "REFUNDED")')).toBe(
      'did not hold for 5000 ms: check 3 at +2000 ms failed: assertion failed: body.status equals "PAID" (actual "REFUNDED")',
    );
  });
});
