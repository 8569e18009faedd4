import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { IsTimeInput, scalarsToStrings, scalarToString, TIME_INPUT_SCHEMA } from '../../steps/shared/step-config-validators';
import { ExpectProperty, type SearchExpectation } from '../../steps/shared/subscribe-expectation';
import type { LogLine } from './query-range-response';

export const LOKI_DEFAULT_LIMIT = 1000;
/** Loki's default `max_entries_limit_per_query`; a larger limit is a 400 from a default Loki. */
export const LOKI_MAX_LIMIT = 5000;
export const LOKI_DIRECTIONS = ['forward', 'backward'] as const;

const MAX_PATTERNS = 50;
const MAX_PATTERN_LENGTH = 4096;

/**
 * Config of a `loki` step. Every user value (label values, namespace, patterns) is embedded in LogQL as
 * an escaped string literal, so values from `${...}` references are safe whatever they contain.
 */
export class LokiStepConfig {
  @ApiProperty({ format: 'uuid', description: 'A `loki` resource: URL, tenant (sent as X-Scope-OrgID), auth', example: '6f1c2a8e-3b4d-4e5f-9a7b-1c2d3e4f5a6b' })
  @IsUUID()
  resourceId: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { app: 'orders-api', env: 'staging' },
    description:
      'Stream selector: label name → exact value (`{app="orders-api", env="staging"}`). Loki needs at least one label with a non-empty value (or a namespace).',
  })
  @IsObject()
  @JSONSchema(() => ({ type: 'object', additionalProperties: { type: 'string' } }))
  @Transform(({ value }) => scalarsToStrings(value))
  labels: Record<string, string>;

  @ApiPropertyOptional({ example: 'staging', description: 'Adds `namespace="<value>"` to the selector (a `namespace` in labels wins)' })
  @IsOptional() @IsString() @MaxLength(1024)
  @Transform(({ value }) => scalarToString(value))
  namespace?: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['order ${create.response.body.id}', 'status=PAID'],
    description: 'Each must appear in the line (`|= "…"`, literal, case-sensitive)',
  })
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_PATTERNS) @IsString({ each: true }) @MaxLength(MAX_PATTERN_LENGTH, { each: true })
  @Transform(({ value }) => scalarsToStrings(value))
  containsPatterns?: string[];

  @ApiPropertyOptional({ type: [String], example: ['healthcheck'], description: 'None may appear in the line (`!= "…"`)' })
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_PATTERNS) @IsString({ each: true }) @MaxLength(MAX_PATTERN_LENGTH, { each: true })
  @Transform(({ value }) => scalarsToStrings(value))
  notContainsPatterns?: string[];

  @ApiPropertyOptional({
    type: [String],
    example: ['took [0-9]+ms', '(?i)payment (captured|settled)'],
    description: 'Each RE2 regular expression must match somewhere in the line (`|~ "…"`, not anchored; `(?i)` ignores case)',
  })
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_PATTERNS) @IsString({ each: true }) @MaxLength(MAX_PATTERN_LENGTH, { each: true })
  @Transform(({ value }) => scalarsToStrings(value))
  regexPatterns?: string[];

  @ApiPropertyOptional({
    oneOf: [{ type: 'integer' }, { type: 'string' }],
    example: 1767225600000,
    description: 'Window start: epoch milliseconds or RFC 3339 (inclusive). Use instead of `relative`.',
  })
  @IsOptional() @IsTimeInput()
  @JSONSchema(() => ({ ...TIME_INPUT_SCHEMA }))
  startTime?: number | string;

  @ApiPropertyOptional({
    oneOf: [{ type: 'integer' }, { type: 'string' }],
    example: 1767229200000,
    description: 'Window end: epoch milliseconds or RFC 3339 (exclusive); defaults to now',
  })
  @IsOptional() @IsTimeInput()
  @JSONSchema(() => ({ ...TIME_INPUT_SCHEMA }))
  endTime?: number | string;

  @ApiPropertyOptional({
    example: 'flow',
    description:
      '"5m", "2h", "1d": that long before now; "flow": since this flow run started. When no time field is given the window is "flow", so earlier runs\' lines do not match.',
  })
  @IsOptional() @IsString() @MaxLength(32)
  relative?: string;

  @ApiPropertyOptional({ default: LOKI_DEFAULT_LIMIT, minimum: 1, maximum: LOKI_MAX_LIMIT, description: 'Most lines returned (across streams)' })
  @IsOptional() @IsInt() @Min(1) @Max(LOKI_MAX_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ enum: LOKI_DIRECTIONS, default: 'backward', description: '`backward`: newest first (Loki\'s default); `forward`: oldest first' })
  @IsOptional() @IsIn(LOKI_DIRECTIONS)
  direction?: (typeof LOKI_DIRECTIONS)[number];

  // With "none" and a window ending in the future (endTime), the step waits until it has ended, then queries.
  @ExpectProperty('log line')
  expect?: SearchExpectation;
}

export interface LokiStepResult extends Record<string, unknown> {
  /** In `direction` order; `timestamp` is ISO-8601 (ms), `timestampNs` Loki's exact nanosecond epoch. */
  logLines: LogLine[];
  /** Lines returned (at most `limit`). */
  matchCount: number;
  /** True when `matchCount` reached `limit`: more lines may match. */
  limitReached: boolean;
  /** Loki's `stats.summary.totalBytesProcessed`; null when Loki sent no stats. */
  scannedBytes: number | null;
  executionTimeMs: number;
  /** The LogQL sent. */
  query: string;
  timeRange: { start: string; end: string };
  limit: number;
  direction: (typeof LOKI_DIRECTIONS)[number];
  warnings: string[];
}
