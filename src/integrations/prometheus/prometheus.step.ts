import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { EgressService } from '../../egress/egress.service';
import { StepError, type StepContext, type StepRunner } from '../../steps/step-plugin';
import { StepPlugin } from '../../steps/step-plugin.decorator';
import { quotePromQLString } from '../../steps/shared/promql-string';
import { errorBodyExcerpt, readApiSettings, ReadApiClient, type ReadApiSettings } from '../shared/read-api-client';
import { parseDuration, resolveWindow, toPrometheusTime, type ResolvedWindow } from '../../steps/shared/time-window';
import { compareWindows, parseMatrix, summariseWindow, type Aggregation, type WindowSummary } from './metric-comparison';
import { checkPrometheusStepConfig, windowInput } from './prometheus-config-checks';
import { PrometheusResourceConfig } from './prometheus-resource-config.dto';
import {
  PROMETHEUS_DEFAULT_STEP,
  PROMETHEUS_DEFAULT_THRESHOLD,
  PrometheusStepConfig,
  type PrometheusComparisonResult,
  type PrometheusStepResult,
  type PrometheusWindowResult,
} from './prometheus-step.config';
import { applyLabelValues } from './promql-label-values';

/** Prometheus refuses range queries above this many points per series. */
const MAX_POINTS_PER_SERIES = 11_000;

const WINDOW_NAMES = { duration1: 'duration1', duration2: 'duration2' } as const;
type WindowField = keyof typeof WINDOW_NAMES;

const windowResultSchema = {
  type: 'object',
  properties: {
    metric: { type: 'string' },
    window: { type: 'object', properties: { start: { type: 'string', format: 'date-time' }, end: { type: 'string', format: 'date-time' } } },
    aggregation: { type: 'string' },
    aggregatedValue: { type: 'number' },
    min: { type: 'number' },
    max: { type: 'number' },
    sampleCount: { type: 'integer' },
    ignoredSamples: { type: 'integer', description: 'NaN / ±Inf samples left out' },
    values: { type: 'array', items: { type: 'object', properties: { timestamp: { type: 'integer' }, value: { type: 'number' } } } },
    seriesCount: { type: 'integer' },
    series: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          metric: { type: 'object', additionalProperties: { type: 'string' } },
          aggregatedValue: { type: ['number', 'null'] },
          min: { type: ['number', 'null'] },
          max: { type: ['number', 'null'] },
          sampleCount: { type: 'integer' },
          ignoredSamples: { type: 'integer' },
          values: { type: 'array' },
        },
      },
    },
  },
};

@StepPlugin({
  type: 'prometheus',
  description:
    'Runs a PromQL range query over one window, or over a baseline (duration1) and a current window (duration2) and compares their aggregated values: percentage change, absolute difference, anomaly above a threshold — per series and overall.',
  config: PrometheusStepConfig,
  resource: PrometheusResourceConfig,
  validateRaw: checkPrometheusStepConfig,
  resultSchema: {
    type: 'object',
    properties: {
      duration1Results: windowResultSchema,
      duration2Results: windowResultSchema,
      comparison: {
        type: 'object',
        properties: {
          baselineValue: { type: 'number' },
          currentValue: { type: 'number' },
          percentageChange: { type: ['number', 'null'], description: 'null for a zero baseline' },
          absoluteDifference: { type: 'number' },
          anomalyDetected: { type: 'boolean' },
          anomalyReason: { type: ['string', 'null'] },
          aggregation: { type: 'string' },
          thresholdPercent: { type: 'number' },
          direction: { type: 'string', enum: ['increase', 'decrease', 'both'] },
          series: { type: 'array', description: 'Per-series comparison when both windows hold the same series' },
          anomalousSeries: { type: 'array', items: { type: 'object', additionalProperties: { type: 'string' } } },
          seriesMismatch: { type: 'object', properties: { onlyInBaseline: { type: 'array' }, onlyInCurrent: { type: 'array' } } },
        },
      },
      executionTimeMs: { type: 'integer' },
      query: { type: 'string', description: 'The PromQL sent' },
      step: { type: 'string' },
      warnings: { type: 'array', items: { type: 'string' } },
    },
    required: ['duration1Results', 'executionTimeMs', 'query', 'step'],
  },
})
@Injectable()
export class PrometheusStep implements StepRunner<PrometheusStepConfig, PrometheusStepResult, PrometheusResourceConfig>, OnModuleDestroy {
  private readonly client: ReadApiClient;

  constructor(egress: EgressService) {
    this.client = new ReadApiClient('Prometheus', egress);
  }

  async run(ctx: StepContext<PrometheusStepConfig, PrometheusResourceConfig>): Promise<PrometheusStepResult> {
    const { config } = ctx;
    const settings = readApiSettings(ctx.resource);
    const query = applyLabelValues(config.query, config.labelValues ?? undefined);
    const step = config.step ?? PROMETHEUS_DEFAULT_STEP;
    const stepMs = parseDuration(step, 'step');
    const aggregation = config.aggregation ?? 'avg';
    const now = Date.now();
    const windows: Array<[WindowField, ResolvedWindow]> = [['duration1', resolveWindow(windowInput(config.duration1), now, 'duration1')]];
    if (config.duration2) windows.push(['duration2', resolveWindow(windowInput(config.duration2), now, 'duration2')]);
    for (const [field, window] of windows) checkResolution(field, window, step, stepMs);

    const started = performance.now();
    const summaries: WindowSummary[] = [];
    const warnings: string[] = [];
    // One window after the other: a failure then always names the same window, whatever answers first.
    for (const [field, window] of windows) {
      const { series, warnings: more } = await this.queryRange(settings, query, field, window, stepMs, ctx.signal);
      warnings.push(...more);
      summaries.push(summariseWindow(series, aggregation, { window: describeField(field, windows.length), query, startMs: window.startMs, endMs: window.endMs }));
    }
    const executionTimeMs = Math.round(performance.now() - started);

    const result: PrometheusStepResult = {
      duration1Results: windowResult(summaries[0], windows[0][1], query, aggregation),
      executionTimeMs,
      query,
      step,
      warnings,
    };
    if (summaries.length === 2) {
      result.duration2Results = windowResult(summaries[1], windows[1][1], query, aggregation);
      result.comparison = comparisonResult(summaries[0], summaries[1], config);
    }
    return result;
  }

  onModuleDestroy(): void {
    this.client.destroy();
  }

  private async queryRange(
    settings: ReadApiSettings,
    query: string,
    field: WindowField,
    window: ResolvedWindow,
    stepMs: number,
    signal: AbortSignal,
  ): Promise<{ series: ReturnType<typeof parseMatrix>; warnings: string[] }> {
    const response = await this.client.get(
      settings,
      'api/v1/query_range',
      { query, start: toPrometheusTime(window.startMs), end: toPrometheusTime(window.endMs), step: toPrometheusTime(stepMs) },
      signal,
    );
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      body = undefined;
    }
    const where = `${field} (${new Date(window.startMs).toISOString()} to ${new Date(window.endMs).toISOString()})`;
    if (response.status !== 200) {
      // Prometheus answers errors as JSON {status: "error", errorType, error}; a proxy may answer anything.
      const error = body as { errorType?: unknown; error?: unknown } | undefined;
      const message = typeof error?.error === 'string' ? `${String(error.errorType ?? 'error')}: ${error.error}` : errorBodyExcerpt(response.body) || '(empty body)';
      const verb = response.status === 400 || response.status === 422 ? 'rejected' : 'failed to run';
      throw new StepError(`Prometheus ${verb} the query for ${where} (HTTP ${response.status}): ${message} — query: ${query}`, {
        status: response.status,
        window: field,
        query,
        prometheusMessage: message,
      });
    }
    if (body === undefined) {
      throw new StepError(`Prometheus answered 200 with a body that is not JSON for ${where}: ${errorBodyExcerpt(response.body, 200)}`, { window: field, query });
    }
    const warnings = Array.isArray((body as { warnings?: unknown }).warnings)
      ? ((body as { warnings: unknown[] }).warnings.filter((w) => typeof w === 'string') as string[]).map((w) => `${field}: ${w}`)
      : [];
    return { series: parseMatrix(body), warnings };
  }
}

function describeField(field: WindowField, count: number): string {
  if (count === 1) return field;
  return field === 'duration1' ? 'duration1 (baseline)' : 'duration2 (current)';
}

/** Prometheus' own error for too many points is clear, but naming the window and a step that fits is clearer. */
function checkResolution(field: WindowField, window: ResolvedWindow, step: string, stepMs: number): void {
  const rangeMs = window.endMs - window.startMs;
  // Prometheus' own rule (web/api/v1): refused when (end - start) / step > 11,000.
  if (rangeMs / stepMs > MAX_POINTS_PER_SERIES) {
    const points = Math.floor(rangeMs / stepMs) + 1;
    const fitting = Math.ceil(rangeMs / MAX_POINTS_PER_SERIES / 1000);
    throw new StepError(
      `${field}: step "${step}" gives ${points} points per series, above Prometheus' limit of ${MAX_POINTS_PER_SERIES}; use a step of at least "${fitting}s"`,
      { field: 'step' },
    );
  }
}

function windowResult(summary: WindowSummary, window: ResolvedWindow, query: string, aggregation: Aggregation): PrometheusWindowResult {
  return {
    metric: describeSeries(summary, query),
    window: { start: new Date(window.startMs).toISOString(), end: new Date(window.endMs).toISOString() },
    aggregation,
    aggregatedValue: summary.aggregatedValue,
    min: summary.min,
    max: summary.max,
    sampleCount: summary.sampleCount,
    ignoredSamples: summary.ignoredSamples,
    values: summary.values,
    seriesCount: summary.series.length,
    series: summary.series,
  };
}

function describeSeries(summary: WindowSummary, query: string): string {
  if (summary.series.length !== 1) return `${query} (${summary.series.length} series)`;
  const { __name__: name = '', ...labels } = summary.series[0].metric;
  const matchers = Object.entries(labels).map(([label, value]) => `${label}=${quotePromQLString(value)}`);
  return `${name}{${matchers.join(', ')}}`;
}

function comparisonResult(baseline: WindowSummary, current: WindowSummary, config: PrometheusStepConfig): PrometheusComparisonResult {
  const comparison = compareWindows(baseline, current, {
    thresholdPercent: config.threshold ?? PROMETHEUS_DEFAULT_THRESHOLD,
    direction: config.direction ?? 'both',
  });
  const { series, seriesMismatch, ...overall } = comparison;
  return {
    ...overall,
    ...(series ? { series } : {}),
    ...(seriesMismatch ? { seriesMismatch } : {}),
  };
}
