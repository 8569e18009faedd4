import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CorrelationOptions, type SentCorrelation } from '../../steps/shared/correlation-headers';
import { IsBoolean, IsInt, IsObject, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';

/** Correlation fields (correlationHeader, propagateCorrelation) come from CorrelationOptions. */
export class HttpStepConfig extends CorrelationOptions {
  @ApiPropertyOptional({ format: 'uuid', description: 'An `http` resource: base URL, default headers, auth, TLS settings' })
  @IsOptional() @IsUUID()
  resourceId?: string;

  @ApiProperty({ example: '/orders', description: 'Absolute URL, or relative to the resource base URL' })
  @IsString() @MaxLength(8192)
  url: string;

  @ApiPropertyOptional({ example: 'POST', default: 'GET', description: 'Any HTTP method' })
  @IsOptional() @Matches(/^[A-Za-z]{1,20}$/, { message: 'method must be an HTTP method such as GET or POST' })
  method?: string;

  @ApiPropertyOptional({ example: { 'X-Request-Id': '${uuid()}' } })
  @IsOptional() @IsObject()
  headers?: Record<string, string>;

  @ApiPropertyOptional({ example: { page: 1 } })
  @IsOptional() @IsObject()
  query?: Record<string, string | number | boolean>;

  @ApiPropertyOptional({ description: 'JSON value (sent as application/json) or text', example: { sku: 'A-1', qty: 2 } })
  @IsOptional()
  body?: unknown;

  @ApiPropertyOptional({ example: 10000, description: 'Request timeout; the step timeout also applies' })
  @IsOptional() @IsInt() @Min(1) @Max(3_600_000)
  timeoutMs?: number;

  @ApiPropertyOptional({ default: true })
  @IsOptional() @IsBoolean()
  followRedirects?: boolean;

  @ApiPropertyOptional({ default: true, description: 'Verify TLS certificates' })
  @IsOptional() @IsBoolean()
  tlsVerify?: boolean;
}

export interface HttpStepResult extends Record<string, unknown> {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  durationMs: number;
  size: number;
  /** The correlation header and traceparent the request carried (absent with propagateCorrelation: false). */
  sent?: SentCorrelation;
}
