/**
 * "Consistently" (a step's `holdFor`): the step's plugin and assertions run at +0, +intervalMs,
 * +2×intervalMs, … and once more at +durationMs, and every one of these checks must hold. The
 * counterpart of a retry policy, which means "eventually": until it holds.
 */
export interface HoldPolicy {
  /** Length of the window that must hold, from the first check. */
  durationMs: number;
  /** Time between the starts of two checks. */
  intervalMs: number;
}

/**
 * Planned start (ms after the first check) of the check after the one planned at `previousOffset`,
 * given that `elapsedMs` have passed; null when the window is covered. A slot that has already passed
 * (the previous check outlasted the interval) is skipped rather than run late, so a slow target is
 * probed "every intervalMs, as far as it can answer" instead of back to back. The window ends with a
 * check at exactly +durationMs, also when durationMs is not a multiple of intervalMs.
 */
export function nextCheckOffset(policy: HoldPolicy, previousOffset: number, elapsedMs: number): number | null {
  const { durationMs, intervalMs } = policy;
  // A check still running at the end of the window has observed the window's end.
  if (previousOffset >= durationMs || elapsedMs >= durationMs) return null;
  const slot = Math.max(Math.floor(previousOffset / intervalMs) + 1, Math.ceil(elapsedMs / intervalMs));
  return Math.min(slot * intervalMs, durationMs);
}

/** Checks a window makes when every check answers within its interval. */
export function plannedCheckCount(policy: HoldPolicy): number {
  const full = Math.floor(policy.durationMs / policy.intervalMs) + 1;
  return policy.durationMs % policy.intervalMs === 0 ? full : full + 1;
}

/** `did not hold for 5000 ms: check 3 at +2000 ms failed: assertion failed: …` */
export function holdFailureMessage(policy: HoldPolicy, check: number, offsetMs: number, reason: string): string {
  return `did not hold for ${policy.durationMs} ms: check ${check} at +${Math.round(offsetMs)} ms failed: ${reason}`;
}
