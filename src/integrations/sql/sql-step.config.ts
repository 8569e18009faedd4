import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsObject, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import type { JsonValue } from './sql-values';

export const SQL_DEFAULT_MAX_ROWS = 1000;
export const SQL_MAX_ROWS_LIMIT = 100_000;

/**
 * Config of a `sql` step. Values reach the database only as bound parameters: the query names them
 * `:name` and `parameters` carries them (with `${...}` references resolved there, never in the SQL text).
 */
export class SqlStepConfig {
  @ApiProperty({ format: 'uuid', description: 'A `sql` resource (PostgreSQL or MySQL/MariaDB); read-only transaction unless it allows writes', example: '6f1c2a8e-3b4d-4e5f-9a7b-1c2d3e4f5a6b' })
  @IsUUID()
  resourceId: string;

  @ApiProperty({
    example: 'SELECT id, status, total FROM orders WHERE id = :orderId',
    description: 'One SQL statement. Values go in `:name` placeholders bound from `parameters`; `${...}` in the query text is refused.',
  })
  @IsString() @MinLength(1) @MaxLength(100_000)
  query: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { orderId: '${create.response.body.id}' },
    description: 'Named parameters, bound by the driver (never pasted into the SQL). Each must be used as `:name` in the query.',
  })
  @IsOptional() @IsObject()
  parameters?: Record<string, unknown>;

  @ApiPropertyOptional({ default: SQL_DEFAULT_MAX_ROWS, minimum: 1, maximum: SQL_MAX_ROWS_LIMIT, description: 'Rows kept in the result; `truncated` tells when there were more' })
  @IsOptional() @IsInt() @Min(1) @Max(SQL_MAX_ROWS_LIMIT)
  maxRows?: number;
}

export interface SqlStepResult extends Record<string, unknown> {
  /** At most `maxRows` rows, column name → JSON value (big integers and decimals as strings, times as ISO-8601). */
  rows: Array<Record<string, JsonValue>>;
  /** Rows the statement returned (all of them, also beyond maxRows) or, for INSERT/UPDATE/DELETE without rows, rows affected. */
  rowCount: number;
  columns: string[];
  /** True when the statement returned more than `maxRows` rows. */
  truncated: boolean;
  executionTimeMs: number;
}
