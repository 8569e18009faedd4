import { StepError } from '../../steps/step-plugin';
import { parseDuration, parseTimestampNs, type TimeInput } from '../../steps/shared/time-window';

export interface LokiTimeRangeInput {
  /** Epoch milliseconds (number or digit string) or RFC 3339 (nanoseconds kept). */
  startTime?: TimeInput;
  /** Same forms; defaults to now. Loki treats `end` as exclusive. */
  endTime?: TimeInput;
  /** "5m", "2h", "1d" = that long before now; "flow" = since the flow started. */
  relative?: string;
}

/** Loki's `start`/`end` parameters: 19-digit nanosecond epochs, which Loki reads unambiguously. */
export interface LokiTimeRange {
  startNs: string;
  endNs: string;
}

const NS_PER_MS = 1_000_000n;

/**
 * Resolves the query window. Without any time field the window is "flow": a test usually looks for
 * logs its own flow caused, and Loki's own default (the last hour) would also match earlier runs.
 */
export function resolveTimeRange(input: LokiTimeRangeInput, nowMs: number, flowStartedAtMs: number): LokiTimeRange {
  const { startTime, endTime } = input;
  const relative = input.relative ?? (startTime === undefined && endTime === undefined ? 'flow' : undefined);
  const nowNs = BigInt(Math.trunc(nowMs)) * NS_PER_MS;

  if (relative !== undefined) {
    if (startTime !== undefined || endTime !== undefined) {
      throw new StepError('relative: give either relative or startTime/endTime, not both', { field: 'relative' });
    }
    if (typeof relative !== 'string') {
      throw new StepError('relative: expected a duration like "5m" or "flow"', { field: 'relative' });
    }
    if (relative.trim() === 'flow') {
      const startNs = BigInt(Math.trunc(flowStartedAtMs)) * NS_PER_MS;
      // The flow's start is stamped by another process (the API or another worker), so a clock a few
      // ms behind could put "now" before it; keep the window non-empty instead of failing at random.
      const endNs = nowNs > startNs ? nowNs : startNs + NS_PER_MS;
      return { startNs: startNs.toString(), endNs: endNs.toString() };
    }
    const lengthNs = BigInt(parseDuration(relative, 'relative')) * NS_PER_MS;
    return { startNs: (nowNs - lengthNs).toString(), endNs: nowNs.toString() };
  }

  if (startTime === undefined) throw new StepError('endTime: needs a startTime as well', { field: 'startTime' });
  const startNs = parseTimestampNs(startTime, 'startTime');
  const endNs = endTime === undefined ? nowNs : parseTimestampNs(endTime, 'endTime');
  if (endNs <= startNs) {
    throw new StepError(
      `endTime (${isoFromNs(endNs)}) must be after startTime (${isoFromNs(startNs)})${endTime === undefined ? '; endTime defaults to now' : ''}`,
      { field: 'endTime' },
    );
  }
  return { startNs: startNs.toString(), endNs: endNs.toString() };
}

/** ISO-8601 with millisecond precision (the nanosecond string keeps the rest). */
export function isoFromNs(ns: bigint | string): string {
  const value = typeof ns === 'bigint' ? ns : BigInt(ns);
  return new Date(Number(value / NS_PER_MS)).toISOString();
}
