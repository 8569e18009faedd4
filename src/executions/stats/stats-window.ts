import { AppException, type FieldProblem } from '../../common/errors/app.exception';

/** The window statistics read when the caller names none: the last 30 days up to now. */
export const DEFAULT_STATS_WINDOW_DAYS = 30;
/** Longest window one request may ask for: a year (a leap year's 366 days) of daily points at most. */
export const MAX_STATS_WINDOW_DAYS = 366;

const DAY_MS = 86_400_000;
/** A date (`2026-11-01`, read as midnight UTC) or a date-time, with an optional UTC offset (none = UTC). */
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** A half-open time range [from, to) over executions' creation time. */
export interface StatsWindow {
  from: Date;
  to: Date;
}

/**
 * Reads `from`/`to` query values into a window: missing `to` is now, missing `from` is 30 days before
 * `to`. Date-only and offset-less values are UTC, so the same URL means the same window on every server
 * (the daily series is in UTC days too). Every problem names its field.
 */
export function statsWindow(raw: { from?: string; to?: string }, now: Date = new Date()): StatsWindow {
  const problems: FieldProblem[] = [];
  const to = raw.to === undefined ? now : parseInstant(raw.to, 'to', problems);
  const from = raw.from === undefined ? (to && new Date(to.getTime() - DEFAULT_STATS_WINDOW_DAYS * DAY_MS)) : parseInstant(raw.from, 'from', problems);
  if (from && to) {
    if (to.getTime() <= from.getTime()) problems.push({ field: 'to', message: 'must be later than from' });
    else if (to.getTime() - from.getTime() > MAX_STATS_WINDOW_DAYS * DAY_MS) problems.push({ field: 'from', message: `the window may span at most ${MAX_STATS_WINDOW_DAYS} days` });
  }
  if (problems.length || !from || !to) throw AppException.validation(problems);
  return { from, to };
}

function parseInstant(value: string, field: string, problems: FieldProblem[]): Date | undefined {
  const match = ISO_INSTANT.exec(value);
  const date = match ? new Date(match[4] === undefined ? `${value}T00:00:00Z` : match[7] === undefined ? `${value}Z` : value) : undefined;
  // Date accepts 2026-02-31 (as 3 March): a value whose calendar date does not read back is refused.
  const realDay = date && !Number.isNaN(date.getTime()) && (match![7] !== undefined || date.toISOString().slice(0, 10) === value.slice(0, 10));
  if (!realDay) {
    problems.push({ field, message: 'must be an ISO 8601 date (2026-11-01) or date-time (2026-11-01T12:00:00Z)' });
    return undefined;
  }
  return date;
}
