import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, Matches } from 'class-validator';
import { traceparent } from './trace-context';

export const DEFAULT_CORRELATION_HEADER = 'X-Correlation-Id';
/** An HTTP token (RFC 9110 field-name), which every header-carrying transport accepts. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/;

/**
 * The step fields that control correlation, shared by every step that reaches the system under test
 * (http, kafka-publish); a config class extends it so the fields and their docs exist once.
 */
export class CorrelationOptions {
  @ApiPropertyOptional({
    default: DEFAULT_CORRELATION_HEADER,
    example: 'X-Request-Id',
    description: 'Header that carries the run\'s correlation id (${execution.correlationId})',
  })
  @IsOptional() @Matches(HEADER_NAME, { message: 'correlationHeader must be a header name (letters, digits and !#$%&\'*+.^_`|~-)' })
  correlationHeader?: string;

  @ApiPropertyOptional({
    default: true,
    description: 'false: send neither the correlation header nor traceparent (headers the step sets itself are always sent)',
  })
  @IsOptional() @IsBoolean()
  propagateCorrelation?: boolean;
}

/** What a step sent to tie the system under test to the run; recorded in its result as `sent`. */
export interface SentCorrelation {
  correlationHeader: string;
  correlationId: string;
  traceparent: string;
}

/** JSON Schema of `sent` for plugins' result schemas. */
export const SENT_CORRELATION_SCHEMA = {
  type: 'object',
  description: 'Correlation headers sent (absent with propagateCorrelation: false)',
  properties: {
    correlationHeader: { type: 'string', examples: ['X-Correlation-Id'] },
    correlationId: { type: 'string' },
    traceparent: { type: 'string', pattern: '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$' },
  },
  required: ['correlationHeader', 'correlationId', 'traceparent'],
} as const;

/**
 * Adds the correlation header and `traceparent` to `headers` (in place) unless the step opted out or
 * already sets them (compared case-insensitively: HTTP header names are, and Kafka consumers usually
 * treat them so). Returns what the request now carries — the step's own values where it set them.
 */
export function addCorrelationHeaders(
  headers: Record<string, string>,
  options: CorrelationOptions,
  run: { correlationId: string; traceId: string },
  nameCase: 'lower' | 'as-given' = 'as-given',
): SentCorrelation | undefined {
  if (options.propagateCorrelation === false) return undefined;
  const correlationHeader = options.correlationHeader ?? DEFAULT_CORRELATION_HEADER;
  const correlationId = ensureHeader(headers, correlationHeader, run.correlationId, nameCase);
  const parent = ensureHeader(headers, 'traceparent', traceparent(run.traceId), nameCase);
  return { correlationHeader, correlationId, traceparent: parent };
}

function ensureHeader(headers: Record<string, string>, name: string, value: string, nameCase: 'lower' | 'as-given'): string {
  const wanted = name.toLowerCase();
  const existing = Object.keys(headers).find((key) => key.toLowerCase() === wanted);
  if (existing !== undefined) return headers[existing];
  headers[nameCase === 'lower' ? wanted : name] = value;
  return value;
}
