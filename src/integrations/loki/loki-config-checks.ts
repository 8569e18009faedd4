import { containsTemplate, isPlainObject, problemsOf, scalarsToStrings, scalarToString, type RawProblem } from '../../steps/shared/step-config-validators';
import { buildLogQuery, type LogQueryInput } from './logql-builder';
import { resolveTimeRange, type LokiTimeRangeInput } from './loki-time-range';

/**
 * The checks of a Loki step config that span fields (the DTO checks each field's shape): the selector
 * Loki will accept (valid label names, at least one non-empty matcher), non-empty line filters, and a
 * coherent time window. They run the same pure functions the step runs, so save-time and run-time
 * agree. Parts still holding `${...}` are checked at run time, after substitution.
 */
export function checkLokiStepConfig(raw: Record<string, unknown>): RawProblem[] {
  return [...checkSelector(raw), ...checkTimeRange(raw)];
}

const PATTERN_FIELDS = ['containsPatterns', 'notContainsPatterns', 'regexPatterns'] as const;

function checkSelector(raw: Record<string, unknown>): RawProblem[] {
  // Wrong shapes are the DTO's to report; checking them here would report them twice.
  if (!isPlainObject(raw.labels)) return [];
  const namespace = scalarToString(raw.namespace ?? undefined);
  if (namespace !== undefined && typeof namespace !== 'string') return [];
  const patterns: Partial<Record<(typeof PATTERN_FIELDS)[number], string[]>> = {};
  for (const field of PATTERN_FIELDS) {
    const value = scalarsToStrings(raw[field] ?? undefined);
    if (value === undefined) continue;
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) return [];
    patterns[field] = value as string[];
  }
  const input: LogQueryInput = { labels: scalarsToStrings(raw.labels) as Record<string, string>, namespace, ...patterns };
  return problemsOf(() => buildLogQuery(input));
}

function checkTimeRange(raw: Record<string, unknown>): RawProblem[] {
  const input = lokiTimeRangeInput(raw);
  if (containsTemplate(Object.values(input))) return [];
  const { startTime, endTime, relative } = input;
  const isTime = (value: unknown) => value === undefined || typeof value === 'string' || typeof value === 'number';
  if (!isTime(startTime) || !isTime(endTime) || (relative !== undefined && typeof relative !== 'string')) return [];
  const now = Date.now();
  return problemsOf(() => resolveTimeRange(input, now, now));
}

/** The time fields, with null treated as absent (the DTO lets an explicit null through as "not set"). */
export function lokiTimeRangeInput(config: { startTime?: unknown; endTime?: unknown; relative?: unknown }): LokiTimeRangeInput {
  return {
    startTime: (config.startTime ?? undefined) as LokiTimeRangeInput['startTime'],
    endTime: (config.endTime ?? undefined) as LokiTimeRangeInput['endTime'],
    relative: (config.relative ?? undefined) as string | undefined,
  };
}
