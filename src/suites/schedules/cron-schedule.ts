import { getNextMillis } from 'bullmq';
import type { FieldProblem } from '../../common/errors/app.exception';

/** Fire times looked at to find a schedule's shortest gap: enough to see every field's pattern repeat. */
export const FIRES_CHECKED = 100;

/**
 * Checks a cron expression and time zone with the very function BullMQ's job schedulers use to
 * compute their next tick, so what we accept is exactly what will fire. Returns the next tick.
 * With `minIntervalSec`, a schedule that ever fires twice within that many seconds (over the next
 * FIRES_CHECKED fires) is refused: a per-second cron would start a suite run every second.
 */
export function checkSchedule(cron: string, timezone: string, now = Date.now(), minIntervalSec = 0): { nextMillis?: number; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    problems.push({ field: 'timezone', message: `"${timezone}" is not an IANA time zone` });
    return { problems };
  }
  const fields = cron.trim().split(/\s+/).length;
  if (fields < 5 || fields > 6) {
    problems.push({ field: 'cron', message: 'cron must have 5 fields, or 6 with seconds first' });
    return { problems };
  }
  try {
    const nextMillis = getNextMillis(now, { pattern: cron.trim(), tz: timezone });
    if (nextMillis === undefined) problems.push({ field: 'cron', message: 'cron never fires' });
    else if (minIntervalSec > 0) {
      const gapMs = shortestGapMs(cron.trim(), timezone, nextMillis);
      if (gapMs !== undefined && gapMs < minIntervalSec * 1000) {
        problems.push({ field: 'cron', message: `cron fires every ${gapMs / 1000} s at times; schedules may fire at most once every ${minIntervalSec} s (SCHEDULE_MIN_INTERVAL_SEC)` });
      }
    }
    return { nextMillis, problems };
  } catch (error) {
    problems.push({ field: 'cron', message: `invalid cron expression: ${(error as Error).message}` });
    return { problems };
  }
}

/** The shortest time between two consecutive fires among the next FIRES_CHECKED, from the first fire. */
export function shortestGapMs(pattern: string, tz: string, firstMillis: number): number | undefined {
  let shortest: number | undefined;
  let previous = firstMillis;
  for (let i = 1; i < FIRES_CHECKED; i++) {
    const next = getNextMillis(previous, { pattern, tz });
    if (next === undefined || next <= previous) break;
    shortest = Math.min(shortest ?? Infinity, next - previous);
    previous = next;
  }
  return shortest;
}
