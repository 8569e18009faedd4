import { holdFailureMessage, nextCheckOffset, type HoldPolicy } from '../../flow-language/hold/hold-policy';
import { sleep } from '../retry/sleep';

/** What one check reports: an error when it did not hold (plugin error or failed assertion). */
export interface HoldCheck {
  error?: string;
}

export interface HoldOutcome<T extends HoldCheck> {
  /** The last check made: the one that failed, or the final one of a window that held. */
  last: T;
  checks: number;
  /** Set when a check did not hold: names the check and its offset, then the check's own error. */
  error?: string;
}

/**
 * Runs `check` on a step's hold schedule (see nextCheckOffset) until the window is covered or a check
 * fails. A cancelled execution rejects from the wait between checks, as a retry wait does; a check
 * that ends because of the cancellation keeps its own "aborted" error rather than a hold message.
 */
export async function runHoldChecks<T extends HoldCheck>(
  policy: HoldPolicy,
  signal: AbortSignal,
  check: () => Promise<T>,
  clock: () => number = () => performance.now(),
): Promise<HoldOutcome<T>> {
  const started = clock();
  let offset: number | null = 0;
  let checks = 0;
  let last: T | undefined;
  while (offset !== null) {
    const wait = offset - (clock() - started);
    if (wait > 0) await sleep(wait, signal);
    checks++;
    last = await check();
    if (last.error) {
      return { last, checks, error: signal.aborted ? last.error : holdFailureMessage(policy, checks, offset, last.error) };
    }
    offset = nextCheckOffset(policy, offset, clock() - started);
  }
  return { last: last!, checks };
}
