import { StepError } from '../step-plugin';

/**
 * Time inputs shared by the Prometheus and Loki steps: Prometheus-style durations and absolute
 * instants given as epoch milliseconds or RFC 3339 text. Loki reads durations and RFC 3339 the same way
 * (it vendors Prometheus' parsers), which is why both steps share this file.
 */

const MS_PER_UNIT = {
  y: 365 * 24 * 3_600_000,
  w: 7 * 24 * 3_600_000,
  d: 24 * 3_600_000,
  h: 3_600_000,
  m: 60_000,
  s: 1_000,
  ms: 1,
} as const;

// Prometheus' model.ParseDuration: units largest first, each at most once, e.g. "1h30m", "90s", "1d".
const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const DURATION_UNITS = ['y', 'w', 'd', 'h', 'm', 's', 'ms'] as const;

/**
 * Parses a Prometheus duration ("30s", "5m", "1h30m", "1d", "250ms") into milliseconds. Zero is
 * rejected: every duration a step takes (a step width, a window length, "the last 5m") must be positive.
 */
export function parseDuration(text: string, field = 'duration'): number {
  const trimmed = typeof text === 'string' ? text.trim() : '';
  const match = trimmed === '' ? null : DURATION.exec(trimmed);
  if (!match) {
    throw new StepError(
      `${field}: "${String(text)}" is not a duration; use a number with a unit (ms, s, m, h, d, w, y), largest first, e.g. "30s", "5m", "1h30m"`,
      { field },
    );
  }
  let ms = 0;
  DURATION_UNITS.forEach((unit, index) => {
    const amount = match[index + 1];
    if (amount !== undefined) ms += Number(amount) * MS_PER_UNIT[unit];
  });
  if (!Number.isSafeInteger(ms)) throw new StepError(`${field}: "${trimmed}" is too long`, { field });
  if (ms === 0) throw new StepError(`${field}: the duration must be greater than zero (got "${trimmed}")`, { field });
  return ms;
}

/** An absolute instant as a step config gives it: epoch milliseconds (number or digit string) or RFC 3339. */
export type TimeInput = number | string;

// Epoch-ms values outside this range are almost certainly seconds (before 1973) or µs/ns (after year 5138):
// both are common copy-paste mistakes that would otherwise query an empty window silently.
const MIN_EPOCH_MS = 100_000_000_000;
const MAX_EPOCH_MS = 100_000_000_000_000;

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * Parses an instant into epoch nanoseconds. Numbers and digit strings are epoch milliseconds (the
 * seed's contract); RFC 3339 keeps up to nanosecond precision, which Loki can use.
 */
export function parseTimestampNs(value: TimeInput, field: string): bigint {
  if (typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value.trim()))) {
    const ms = typeof value === 'number' ? value : Number(value.trim());
    if (!Number.isSafeInteger(ms)) {
      throw new StepError(`${field}: ${String(value)} is not a whole number of epoch milliseconds`, { field });
    }
    if (ms < MIN_EPOCH_MS) {
      throw new StepError(`${field}: ${ms} looks like epoch seconds; give epoch milliseconds (e.g. ${ms * 1000}) or an RFC 3339 time`, { field });
    }
    if (ms >= MAX_EPOCH_MS) {
      throw new StepError(`${field}: ${ms} looks like epoch micro- or nanoseconds; give epoch milliseconds or an RFC 3339 time`, { field });
    }
    return BigInt(ms) * 1_000_000n;
  }
  if (typeof value !== 'string') {
    throw new StepError(`${field}: expected epoch milliseconds or an RFC 3339 time, got ${typeof value}`, { field });
  }
  const match = RFC3339.exec(value.trim());
  if (!match) {
    throw new StepError(`${field}: "${value}" is neither epoch milliseconds nor an RFC 3339 time like "2024-05-01T12:00:00Z"`, { field });
  }
  const [, y, mo, d, h, mi, s, fraction = '', zulu, sign, offH, offM] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const valid =
    month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) &&
    Number(h) <= 23 && Number(mi) <= 59 && Number(s) <= 59 &&
    (zulu !== undefined || (Number(offH) <= 23 && Number(offM) <= 59));
  if (!valid) throw new StepError(`${field}: "${value}" is not a valid calendar time`, { field });
  const offsetMinutes = zulu !== undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(offH) * 60 + Number(offM));
  const wholeSecondsMs = Date.UTC(year, month - 1, day, Number(h), Number(mi), Number(s)) - offsetMinutes * 60_000;
  return BigInt(wholeSecondsMs) * 1_000_000n + BigInt(fraction.padEnd(9, '0') || '0');
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Whole epoch milliseconds of an instant (sub-millisecond digits are dropped). */
export function parseTimestampMs(value: TimeInput, field: string): number {
  return Number(parseTimestampNs(value, field) / 1_000_000n);
}

export interface WindowInput {
  startTime?: TimeInput;
  endTime?: TimeInput;
  /** "1h" = the last hour; `{ ago: "2h", length: "30m" }` = 30 minutes starting two hours ago. */
  relative?: string | { ago: string; length: string };
}

export interface ResolvedWindow {
  startMs: number;
  endMs: number;
}

/**
 * Resolves a Prometheus comparison window. Either absolute (`startTime`, optional `endTime` defaulting
 * to now) or `relative`, never both: a config carrying both is ambiguous, so it is refused.
 */
export function resolveWindow(input: WindowInput, nowMs: number, field = 'window'): ResolvedWindow {
  const hasAbsolute = input.startTime !== undefined || input.endTime !== undefined;
  if (input.relative !== undefined && hasAbsolute) {
    throw new StepError(`${field}: give either relative or startTime/endTime, not both`, { field });
  }
  if (input.relative !== undefined) {
    const relative = input.relative;
    if (typeof relative === 'string') {
      const lengthMs = parseDuration(relative, `${field}.relative`);
      return { startMs: nowMs - lengthMs, endMs: nowMs };
    }
    if (relative === null || typeof relative !== 'object') {
      throw new StepError(`${field}.relative: expected a duration like "1h" or { ago, length }`, { field: `${field}.relative` });
    }
    const agoMs = parseDuration(relative.ago, `${field}.relative.ago`);
    const lengthMs = parseDuration(relative.length, `${field}.relative.length`);
    if (lengthMs > agoMs) {
      throw new StepError(
        `${field}.relative: a ${relative.length} window starting ${relative.ago} ago would end in the future; make length at most ago`,
        { field: `${field}.relative` },
      );
    }
    const startMs = nowMs - agoMs;
    return { startMs, endMs: startMs + lengthMs };
  }
  if (input.startTime === undefined) {
    const message = input.endTime === undefined ? 'needs startTime (and optionally endTime) or relative' : 'endTime needs a startTime';
    throw new StepError(`${field}: ${message}`, { field });
  }
  const startMs = parseTimestampMs(input.startTime, `${field}.startTime`);
  const endMs = input.endTime === undefined ? nowMs : parseTimestampMs(input.endTime, `${field}.endTime`);
  if (endMs <= startMs) {
    throw new StepError(
      `${field}: endTime (${new Date(endMs).toISOString()}) must be after startTime (${new Date(startMs).toISOString()})`,
      { field },
    );
  }
  return { startMs, endMs };
}

/**
 * Formats epoch ms as the decimal seconds Prometheus' `start`/`end`/`time` parameters take, without the
 * float noise of `ms / 1000` (Prometheus rounds the fraction to milliseconds either way).
 */
export function toPrometheusTime(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const rest = ms - seconds * 1000;
  return rest === 0 ? String(seconds) : `${seconds}.${String(rest).padStart(3, '0')}`;
}
