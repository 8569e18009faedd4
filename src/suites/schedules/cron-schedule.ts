import { getNextMillis } from 'bullmq';
import type { FieldProblem } from '../../common/errors/app.exception';

/**
 * Checks a cron expression and time zone with the very function BullMQ's job schedulers use to
 * compute their next tick, so what we accept is exactly what will fire. Returns the next tick.
 */
export function checkSchedule(cron: string, timezone: string, now = Date.now()): { nextMillis?: number; problems: FieldProblem[] } {
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
    return { nextMillis, problems };
  } catch (error) {
    problems.push({ field: 'cron', message: `invalid cron expression: ${(error as Error).message}` });
    return { problems };
  }
}
