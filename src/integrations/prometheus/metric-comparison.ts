import { StepError } from '../../steps/step-plugin';

/**
 * Aggregation and anomaly maths of the Prometheus step (seed LLD §2.7): a PromQL range query per
 * window is reduced to one number per series and one per window, and two windows are compared.
 *
 * NaN and ±Inf samples (a `rate()` over a counter reset, a division by zero) are ignored and counted:
 * one of them would otherwise turn every average into NaN, which JSON cannot even carry.
 */

export const AGGREGATIONS = ['avg', 'max', 'min', 'sum', 'last', 'p95'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

export interface MetricPoint {
  /** Epoch milliseconds. */
  timestamp: number;
  value: number;
}

export interface MetricSeries {
  metric: Record<string, string>;
  values: MetricPoint[];
}

export interface AggregateResult {
  /** null when no sample was finite. */
  value: number | null;
  /** Finite samples the value was computed from. */
  sampleCount: number;
  /** NaN / ±Inf samples left out. */
  ignoredSamples: number;
}

/**
 * Reduces samples, in time order, to one value. `last` is the last finite sample; `p95` interpolates
 * linearly between closest ranks, as PromQL's `quantile_over_time(0.95, ...)` does.
 */
export function aggregate(values: readonly number[], aggregation: Aggregation): AggregateResult {
  assertAggregation(aggregation);
  const finite = values.filter((value) => Number.isFinite(value));
  const ignoredSamples = values.length - finite.length;
  return { value: finite.length === 0 ? null : reduce(finite, aggregation), sampleCount: finite.length, ignoredSamples };
}

function reduce(finite: readonly number[], aggregation: Aggregation): number {
  switch (aggregation) {
    case 'avg':
      return finite.reduce((sum, value) => sum + value, 0) / finite.length;
    case 'sum':
      return finite.reduce((sum, value) => sum + value, 0);
    case 'min':
      return finite.reduce((min, value) => (value < min ? value : min));
    case 'max':
      return finite.reduce((max, value) => (value > max ? value : max));
    case 'last':
      return finite[finite.length - 1];
    case 'p95':
      return quantile(0.95, finite);
  }
}

function quantile(q: number, finite: readonly number[]): number {
  const sorted = [...finite].sort((a, b) => a - b);
  const rank = q * (sorted.length - 1);
  const lower = Math.floor(rank);
  const upper = Math.min(sorted.length - 1, lower + 1);
  const weight = rank - lower;
  return sorted[lower] * (1 - weight) + sorted[upper] * weight;
}

function assertAggregation(aggregation: string): asserts aggregation is Aggregation {
  if (!(AGGREGATIONS as readonly string[]).includes(aggregation)) {
    throw new StepError(`aggregation: "${aggregation}" is not one of ${AGGREGATIONS.join(', ')}`, { field: 'aggregation' });
  }
}

/**
 * Reads the body of Prometheus' `/api/v1/query_range` (`resultType: "matrix"`). Values arrive as
 * strings formatted by Go ("NaN", "+Inf", "-Inf", "1e+06"), timestamps as float seconds.
 * Native-histogram samples (`histograms`) are not numbers and are left out.
 */
export function parseMatrix(body: unknown): MetricSeries[] {
  const root = asObject(body, 'the Prometheus response');
  if (root.status !== 'success') {
    const detail = typeof root.error === 'string' ? `: ${String(root.errorType ?? 'error')}: ${root.error}` : '';
    throw new StepError(`Prometheus query failed${detail}`, { status: root.status });
  }
  const data = asObject(root.data, 'the Prometheus response data');
  if (data.resultType !== 'matrix') {
    throw new StepError(
      `Prometheus returned a "${String(data.resultType)}" result where a range query returns "matrix"`,
      { resultType: data.resultType },
    );
  }
  if (!Array.isArray(data.result)) throw new StepError('Prometheus response: data.result is not an array');
  return data.result.map((item, index) => {
    const series = asObject(item, `result[${index}]`);
    const metric = asObject(series.metric ?? {}, `result[${index}].metric`) as Record<string, string>;
    const rawValues = series.values ?? [];
    if (!Array.isArray(rawValues)) throw new StepError(`Prometheus response: result[${index}].values is not an array`);
    const values = rawValues.map((pair, at) => {
      if (!Array.isArray(pair) || pair.length < 2) {
        throw new StepError(`Prometheus response: result[${index}].values[${at}] is not a [time, value] pair`);
      }
      return { timestamp: Math.round(Number(pair[0]) * 1000), value: parsePrometheusValue(pair[1]) };
    });
    return { metric: { ...metric }, values };
  });
}

/** Go's float formatting: "+Inf", "-Inf" and "NaN" are not all understood by `Number()`. */
export function parsePrometheusValue(raw: unknown): number {
  if (typeof raw === 'number') return raw;
  if (typeof raw !== 'string') return Number.NaN;
  switch (raw.trim()) {
    case '+Inf':
    case 'Inf':
      return Number.POSITIVE_INFINITY;
    case '-Inf':
      return Number.NEGATIVE_INFINITY;
    default: {
      const trimmed = raw.trim();
      return trimmed === '' ? Number.NaN : Number(trimmed);
    }
  }
}

function asObject(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new StepError(`Unexpected Prometheus response: ${what} is not an object`);
  }
  return value as Record<string, unknown>;
}

export interface SeriesSummary {
  metric: Record<string, string>;
  /** null when every sample of the series was NaN/±Inf. */
  aggregatedValue: number | null;
  min: number | null;
  max: number | null;
  sampleCount: number;
  ignoredSamples: number;
  /** Finite samples in time order. */
  values: MetricPoint[];
}

export interface WindowSummary {
  aggregation: Aggregation;
  series: SeriesSummary[];
  /** See {@link summariseWindow} for how several series combine. */
  aggregatedValue: number;
  min: number;
  max: number;
  sampleCount: number;
  ignoredSamples: number;
  /** Finite samples of all series, in time order (one series: exactly its samples). */
  values: MetricPoint[];
}

/** Names the window in errors: "No data in the baseline window (…) for query …". */
export interface WindowContext {
  window?: string;
  query?: string;
  startMs?: number;
  endMs?: number;
}

/**
 * Summarises one window. Each series is aggregated over time. The window's `aggregatedValue` combines
 * the series so that one series gives exactly its own value and several give:
 * - `avg`: the mean of the per-series means (each series weighs the same, whatever its sample count);
 * - `sum`, `min`, `max`: the sum / min / max of the per-series values (= over all samples);
 * - `p95`: the 95th percentile of all samples pooled (a percentile of percentiles means nothing);
 * - `last`: the sample with the latest timestamp; several series sampled at that instant are averaged.
 * To combine series differently, say so in PromQL (`sum by (job) (...)`) and compare per series.
 *
 * A window without a single finite sample throws: comparing against nothing would report a made-up 0.
 */
export function summariseWindow(series: readonly MetricSeries[], aggregation: Aggregation, context: WindowContext = {}): WindowSummary {
  assertAggregation(aggregation);
  const summaries = series.map((one) => summariseSeries(one, aggregation));
  const withData = summaries.filter((one): one is SeriesSummary & { aggregatedValue: number; min: number; max: number } => one.aggregatedValue !== null);
  const ignoredSamples = summaries.reduce((total, one) => total + one.ignoredSamples, 0);
  if (withData.length === 0) {
    const why = series.length === 0
      ? 'Prometheus returned no series'
      : `all ${ignoredSamples} samples of ${series.length} series were NaN or ±Inf`;
    throw new StepError(`No data in ${describeWindow(context)}: ${why}`, { ...context, seriesCount: series.length, ignoredSamples });
  }
  const values = withData.flatMap((one) => one.values).sort((a, b) => a.timestamp - b.timestamp);
  return {
    aggregation,
    series: summaries,
    aggregatedValue: combine(withData, aggregation, values),
    min: reduce(withData.map((one) => one.min), 'min'),
    max: reduce(withData.map((one) => one.max), 'max'),
    sampleCount: values.length,
    ignoredSamples,
    values,
  };
}

function summariseSeries(series: MetricSeries, aggregation: Aggregation): SeriesSummary {
  const ordered = [...series.values].sort((a, b) => a.timestamp - b.timestamp);
  const result = aggregate(ordered.map((point) => point.value), aggregation);
  const values = ordered.filter((point) => Number.isFinite(point.value));
  const finite = values.map((point) => point.value);
  return {
    metric: series.metric,
    aggregatedValue: result.value,
    // reduce, not Math.min(...): a week at 15 s is 40k samples, near the engine's argument limit.
    min: finite.length ? reduce(finite, 'min') : null,
    max: finite.length ? reduce(finite, 'max') : null,
    sampleCount: result.sampleCount,
    ignoredSamples: result.ignoredSamples,
    values,
  };
}

function combine(withData: ReadonlyArray<SeriesSummary & { aggregatedValue: number }>, aggregation: Aggregation, pooled: MetricPoint[]): number {
  const perSeries = withData.map((one) => one.aggregatedValue);
  switch (aggregation) {
    case 'avg':
    case 'sum':
    case 'min':
    case 'max':
      return reduce(perSeries, aggregation);
    case 'p95':
      return quantile(0.95, pooled.map((point) => point.value));
    case 'last': {
      const lastPoints = withData.map((one) => one.values[one.values.length - 1]);
      const latest = reduce(lastPoints.map((point) => point.timestamp), 'max');
      return reduce(lastPoints.filter((point) => point.timestamp === latest).map((point) => point.value), 'avg');
    }
  }
}

function describeWindow(context: WindowContext): string {
  const name = context.window ? `the ${context.window} window` : 'the window';
  const range = context.startMs !== undefined && context.endMs !== undefined
    ? ` (${new Date(context.startMs).toISOString()} to ${new Date(context.endMs).toISOString()})`
    : '';
  const query = context.query !== undefined ? ` for query ${JSON.stringify(context.query)}` : '';
  return `${name}${range}${query}`;
}

export type ChangeDirection = 'increase' | 'decrease' | 'both';

export interface CompareOptions {
  /** Percentage change (of the baseline) above which the change is an anomaly; the boundary itself is not. Default 20. */
  thresholdPercent?: number;
  /** Which changes count. Default "both". */
  direction?: ChangeDirection;
}

export interface ValueComparison {
  baselineValue: number;
  currentValue: number;
  /** (current − baseline) / |baseline| × 100; null for a zero baseline, where it is undefined. */
  percentageChange: number | null;
  /** current − baseline, signed (absolute as opposed to relative). */
  absoluteDifference: number;
  anomalyDetected: boolean;
  /** Why it is an anomaly; also set for a zero baseline to say the decision was made on the absolute difference. */
  anomalyReason: string | null;
}

export interface SeriesComparison {
  metric: Record<string, string>;
  baselineValue: number | null;
  currentValue: number | null;
  percentageChange: number | null;
  absoluteDifference: number | null;
  anomalyDetected: boolean;
  anomalyReason: string | null;
}

export interface WindowComparison extends ValueComparison {
  aggregation: Aggregation;
  thresholdPercent: number;
  direction: ChangeDirection;
  /**
   * Series by series, when both windows hold exactly the same label sets (order does not matter);
   * null otherwise, with the difference in `seriesMismatch`.
   */
  series: SeriesComparison[] | null;
  /** Label sets of the anomalous series (empty when `series` is null). `anomalyDetected` is about the overall values only. */
  anomalousSeries: Array<Record<string, string>>;
  seriesMismatch: { onlyInBaseline: Array<Record<string, string>>; onlyInCurrent: Array<Record<string, string>> } | null;
}

// Tolerance in percentage points so that float noise (1.1 → 1.32 computes as 20.000000000000004 %)
// does not turn a change exactly at the threshold into an anomaly.
const PERCENT_EPSILON = 1e-9;

/**
 * Compares the current window with the baseline. A percentage change needs a non-zero baseline: for a
 * zero baseline `percentageChange` is null and the anomaly is decided on the absolute difference
 * instead — any change in the watched direction is an anomaly (0 → 3 errors/s is exactly what a test
 * wants flagged), no change is not — and `anomalyReason` says so either way.
 */
export function compareWindows(baseline: WindowSummary, current: WindowSummary, options: CompareOptions = {}): WindowComparison {
  const thresholdPercent = options.thresholdPercent ?? 20;
  const direction = options.direction ?? 'both';
  if (!Number.isFinite(thresholdPercent) || thresholdPercent < 0) {
    throw new StepError(`thresholdPercent: must be a number ≥ 0 (got ${String(thresholdPercent)})`, { field: 'thresholdPercent' });
  }
  if (!['increase', 'decrease', 'both'].includes(direction)) {
    throw new StepError(`direction: "${String(direction)}" is not one of increase, decrease, both`, { field: 'direction' });
  }
  if (baseline.aggregation !== current.aggregation) {
    throw new StepError(`Cannot compare a ${baseline.aggregation} baseline with a ${current.aggregation} current window`);
  }
  const overall = compareValues(baseline.aggregatedValue, current.aggregatedValue, thresholdPercent, direction);
  const { series, mismatch } = compareSeries(baseline.series, current.series, thresholdPercent, direction);
  return {
    aggregation: baseline.aggregation,
    thresholdPercent,
    direction,
    ...overall,
    series,
    anomalousSeries: (series ?? []).filter((one) => one.anomalyDetected).map((one) => one.metric),
    seriesMismatch: mismatch,
  };
}

/** The comparison of two numbers on its own (also used series by series). */
export function compareValues(baselineValue: number, currentValue: number, thresholdPercent: number, direction: ChangeDirection): ValueComparison {
  const absoluteDifference = currentValue - baselineValue;
  const change = `${format(baselineValue)} → ${format(currentValue)}`;
  if (baselineValue === 0) {
    const anomalyDetected = moved(absoluteDifference, 0, direction);
    const verdict = absoluteDifference === 0
      ? 'the value did not change'
      : anomalyDetected
        ? `the value changed by ${signed(absoluteDifference)} (${change}), an anomaly for direction "${direction}"`
        : `the value changed by ${signed(absoluteDifference)} (${change}), not an anomaly for direction "${direction}"`;
    return {
      baselineValue,
      currentValue,
      percentageChange: null,
      absoluteDifference,
      anomalyDetected,
      anomalyReason: `percentage change is undefined for a zero baseline, so the absolute difference decides: ${verdict}`,
    };
  }
  const percentageChange = (absoluteDifference / Math.abs(baselineValue)) * 100;
  const anomalyDetected = moved(percentageChange, thresholdPercent + PERCENT_EPSILON, direction);
  return {
    baselineValue,
    currentValue,
    percentageChange,
    absoluteDifference,
    anomalyDetected,
    anomalyReason: anomalyDetected
      ? `${signed(percentageChange)}% change (${change}) exceeds the ${format(thresholdPercent)}% threshold for direction "${direction}"`
      : null,
  };
}

function moved(change: number, threshold: number, direction: ChangeDirection): boolean {
  switch (direction) {
    case 'increase':
      return change > threshold;
    case 'decrease':
      return change < -threshold;
    case 'both':
      return Math.abs(change) > threshold;
  }
}

function compareSeries(
  baseline: readonly SeriesSummary[],
  current: readonly SeriesSummary[],
  thresholdPercent: number,
  direction: ChangeDirection,
): { series: SeriesComparison[] | null; mismatch: WindowComparison['seriesMismatch'] } {
  const baselineByKey = byLabelSet(baseline);
  const currentByKey = byLabelSet(current);
  if (!baselineByKey || !currentByKey) return { series: null, mismatch: null }; // duplicate label sets: no pairing possible
  const onlyInBaseline = [...baselineByKey].filter(([key]) => !currentByKey.has(key)).map(([, one]) => one.metric);
  const onlyInCurrent = [...currentByKey].filter(([key]) => !baselineByKey.has(key)).map(([, one]) => one.metric);
  if (onlyInBaseline.length || onlyInCurrent.length) return { series: null, mismatch: { onlyInBaseline, onlyInCurrent } };
  const series = [...baselineByKey].map(([key, before]): SeriesComparison => {
    const after = currentByKey.get(key)!;
    if (before.aggregatedValue === null || after.aggregatedValue === null) {
      const missing = before.aggregatedValue === null ? 'baseline' : 'current';
      return {
        metric: before.metric,
        baselineValue: before.aggregatedValue,
        currentValue: after.aggregatedValue,
        percentageChange: null,
        absoluteDifference: null,
        anomalyDetected: false,
        anomalyReason: `not compared: no finite samples in the ${missing} window`,
      };
    }
    return { metric: before.metric, ...compareValues(before.aggregatedValue, after.aggregatedValue, thresholdPercent, direction) };
  });
  return { series, mismatch: null };
}

function byLabelSet(series: readonly SeriesSummary[]): Map<string, SeriesSummary> | null {
  const map = new Map<string, SeriesSummary>();
  for (const one of series) {
    const key = labelSetKey(one.metric);
    if (map.has(key)) return null;
    map.set(key, one);
  }
  return map;
}

/** Order-independent identity of a label set. */
export function labelSetKey(metric: Record<string, string>): string {
  return JSON.stringify(Object.entries(metric).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function format(value: number): string {
  return String(Number(value.toPrecision(6)));
}

function signed(value: number): string {
  return `${value > 0 ? '+' : ''}${format(value)}`;
}
