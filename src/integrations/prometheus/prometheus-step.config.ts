import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsNumber, IsObject, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { JSONSchema, targetConstructorToSchema } from 'class-validator-jsonschema';
import { Satisfies } from '../../common/validation/satisfies.decorator';
import { isPlainObject, IsTimeInput, scalarsToStrings, TIME_INPUT_SCHEMA } from '../../steps/shared/step-config-validators';
import { AGGREGATIONS, type Aggregation, type ChangeDirection, type MetricPoint, type SeriesComparison, type SeriesSummary, type ValueComparison } from './metric-comparison';

export const PROMETHEUS_DEFAULT_STEP = '30s';
export const PROMETHEUS_DEFAULT_THRESHOLD = 20;
export const CHANGE_DIRECTIONS = ['increase', 'decrease', 'both'] as const;

/** One query window: absolute (`startTime`, optional `endTime`) or `relative`, never both. */
export class PrometheusWindowConfig {
  @ApiPropertyOptional({ oneOf: [{ type: 'integer' }, { type: 'string' }], example: 1767218400000, description: 'Epoch milliseconds or RFC 3339' })
  @IsOptional() @IsTimeInput()
  @JSONSchema(() => ({ ...TIME_INPUT_SCHEMA }))
  startTime?: number | string;

  @ApiPropertyOptional({ oneOf: [{ type: 'integer' }, { type: 'string' }], example: 1767220200000, description: 'Epoch milliseconds or RFC 3339; defaults to now' })
  @IsOptional() @IsTimeInput()
  @JSONSchema(() => ({ ...TIME_INPUT_SCHEMA }))
  endTime?: number | string;

  @ApiPropertyOptional({
    oneOf: [
      { type: 'string', example: '30m' },
      { type: 'object', properties: { ago: { type: 'string', example: '1h30m' }, length: { type: 'string', example: '30m' } }, required: ['ago', 'length'] },
    ],
    example: { ago: '1h30m', length: '30m' },
    description: '"30m" = the last 30 minutes; { ago: "1h30m", length: "30m" } = 30 minutes starting 1h30m ago. Durations as in PromQL.',
  })
  @IsOptional()
  @Satisfies('isRelativeWindow', (value) =>
    (typeof value === 'string' && value.trim() !== '') ||
    (isPlainObject(value) && Object.keys(value).every((key) => key === 'ago' || key === 'length') && typeof value.ago === 'string' && typeof value.length === 'string')
      ? null
      : 'must be a duration such as "30m" or { "ago": "1h30m", "length": "30m" }',
  )
  @JSONSchema(() => ({
    oneOf: [
      { type: 'string', description: 'The last <duration>, e.g. "30m"' },
      { type: 'object', properties: { ago: { type: 'string' }, length: { type: 'string' } }, required: ['ago', 'length'], additionalProperties: false },
    ],
  }))
  relative?: string | { ago: string; length: string };
}

/** The catalogue shows one schema per step type, without `definitions`: inline the window's. */
function inlineWindowSchema(_source: unknown, options: Parameters<typeof targetConstructorToSchema>[1]): ReturnType<typeof targetConstructorToSchema> {
  return targetConstructorToSchema(PrometheusWindowConfig, options);
}

/**
 * Config of a `prometheus` step: a PromQL range query over one window, or over a baseline
 * (`duration1`) and a current window (`duration2`) whose aggregated values are compared.
 */
export class PrometheusStepConfig {
  @ApiProperty({ format: 'uuid', description: 'A `prometheus` resource: URL and auth', example: '0b6f4c1e-7d2a-4f3b-8c9d-5e6f7a8b9c0d' })
  @IsUUID()
  resourceId: string;

  @ApiProperty({
    example: 'sum by (service) (rate(http_requests_total{service=$service, code=~"5.."}[5m]))',
    description:
      'PromQL range query. `${...}` references are pasted into the text as is — fine for numbers and durations; for label values (text that may hold quotes or backslashes) write a `$name` placeholder and set `labelValues.name`, which may itself be a `${...}` reference: the step inserts it as an escaped string literal.',
  })
  @IsString() @MaxLength(20_000) @Matches(/\S/, { message: 'query must not be empty' })
  query: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { service: '${create.response.body.service}' },
    description: 'Values of the `$name` placeholders in query, each inserted as an escaped PromQL string literal',
  })
  @IsOptional() @IsObject()
  @Satisfies('isLabelValues', (value) => {
    if (!isPlainObject(value)) return null; // @IsObject reports it
    for (const [name, item] of Object.entries(value)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return `key "${name.slice(0, 80)}" is not a placeholder name (letters, digits, underscores)`;
      if (typeof item !== 'string') return `value of "${name}" must be a string`;
    }
    return null;
  })
  @JSONSchema(() => ({ type: 'object', additionalProperties: { type: 'string' } }))
  @Transform(({ value }) => scalarsToStrings(value))
  labelValues?: Record<string, string>;

  @ApiProperty({ type: PrometheusWindowConfig, description: 'The window to query; with duration2, the baseline', example: { relative: { ago: '2h', length: '30m' } } })
  @IsObject({ message: 'duration1 must be an object: { startTime, endTime } or { relative }' })
  @ValidateNested() @Type(() => PrometheusWindowConfig)
  @JSONSchema(inlineWindowSchema)
  duration1: PrometheusWindowConfig;

  @ApiPropertyOptional({ type: PrometheusWindowConfig, description: 'The window compared with duration1 (the current one)', example: { relative: '30m' } })
  @IsOptional() @IsObject()
  @ValidateNested() @Type(() => PrometheusWindowConfig)
  @JSONSchema(inlineWindowSchema)
  duration2?: PrometheusWindowConfig;

  @ApiPropertyOptional({ default: PROMETHEUS_DEFAULT_STEP, example: '1m', description: 'Resolution of the range query (PromQL duration)' })
  @IsOptional() @IsString() @MaxLength(32)
  step?: string;

  @ApiPropertyOptional({
    enum: AGGREGATIONS,
    default: 'avg',
    description: 'How each window becomes one number: per series over time, then across series (avg of averages, sum/min/max of the per-series values, p95 of all samples, latest sample)',
  })
  @IsOptional() @IsIn(AGGREGATIONS)
  aggregation?: Aggregation;

  @ApiPropertyOptional({ default: PROMETHEUS_DEFAULT_THRESHOLD, example: 25, minimum: 0, description: 'Percentage change of the baseline above which the change is an anomaly' })
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(1_000_000)
  threshold?: number;

  @ApiPropertyOptional({ enum: CHANGE_DIRECTIONS, default: 'both', description: 'Which changes count as anomalies' })
  @IsOptional() @IsIn(CHANGE_DIRECTIONS)
  direction?: ChangeDirection;
}

export interface PrometheusWindowResult {
  /** `name{label="value"}` of a single series, else the query and the series count. */
  metric: string;
  window: { start: string; end: string };
  aggregation: Aggregation;
  aggregatedValue: number;
  min: number;
  max: number;
  /** Finite samples used; NaN/±Inf samples are left out and counted in `ignoredSamples`. */
  sampleCount: number;
  ignoredSamples: number;
  /** Finite samples of every series, in time order (`timestamp` in epoch ms). */
  values: MetricPoint[];
  seriesCount: number;
  series: SeriesSummary[];
}

/** The comparison of the two windows' aggregated values (ValueComparison), with the settings it used. */
export interface PrometheusComparisonResult extends ValueComparison {
  aggregation: Aggregation;
  thresholdPercent: number;
  direction: ChangeDirection;
  /** Series by series, when both windows hold the same label sets. */
  series?: SeriesComparison[];
  anomalousSeries: Array<Record<string, string>>;
  seriesMismatch?: { onlyInBaseline: Array<Record<string, string>>; onlyInCurrent: Array<Record<string, string>> };
}

export interface PrometheusStepResult extends Record<string, unknown> {
  duration1Results: PrometheusWindowResult;
  duration2Results?: PrometheusWindowResult;
  comparison?: PrometheusComparisonResult;
  executionTimeMs: number;
  /** The PromQL sent (placeholders replaced). */
  query: string;
  step: string;
  warnings: string[];
}
