import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsObject, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { CorrelationOptions, type SentCorrelation } from '../../steps/shared/correlation-headers';

/**
 * Config of a `graphql` step: one GraphQL-over-HTTP POST (`{query, variables, operationName}`) on an
 * `http` resource, sent by the HTTP step's client (egress, redirects, secret headers, deadlines).
 */
export class GraphqlStepConfig extends CorrelationOptions {
  @ApiPropertyOptional({ format: 'uuid', description: 'An `http` resource: base URL, default headers, auth, TLS settings', example: '6f1c2a8e-3b4d-4e5f-9a7b-1c2d3e4f5a6b' })
  @IsOptional() @IsUUID()
  resourceId?: string;

  @ApiPropertyOptional({ example: '/graphql', description: 'Absolute URL, or relative to the resource base URL; default: the base URL itself. Required without resourceId.' })
  @ValidateIf((config: GraphqlStepConfig) => config.resourceId === undefined || config.url !== undefined)
  @IsString() @MinLength(1) @MaxLength(8192)
  url?: string;

  @ApiProperty({
    example: 'query Order($id: ID!) { order(id: $id) { id status total } }',
    description: 'The GraphQL document: a query or a mutation (several operations need operationName)',
  })
  @IsString() @MinLength(1) @MaxLength(100_000)
  query: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { id: '${create.response.body.id}' }, description: 'Values of the operation\'s variables' })
  @IsOptional() @IsObject()
  variables?: Record<string, unknown>;

  @ApiPropertyOptional({ example: 'Order', description: 'Which operation of the document to run' })
  @IsOptional() @IsString() @Matches(/^[_A-Za-z][_0-9A-Za-z]{0,255}$/, { message: 'operationName must be a GraphQL name (letters, digits, _; not starting with a digit)' })
  operationName?: string;

  @ApiPropertyOptional({ example: { 'X-Request-Id': '${uuid()}' }, description: 'Headers of this request; they win over the resource\'s' })
  @IsOptional() @IsObject()
  headers?: Record<string, string>;

  @ApiPropertyOptional({ example: 10000, description: 'Request timeout; the step timeout also applies' })
  @IsOptional() @IsInt() @Min(1) @Max(3_600_000)
  timeoutMs?: number;

  @ApiPropertyOptional({ default: true, description: 'Verify TLS certificates' })
  @IsOptional() @IsBoolean()
  tlsVerify?: boolean;
}

/** `data` at the root, so assertions read `data.order.status`; `errors` only when the server sent them. */
export interface GraphqlStepResult extends Record<string, unknown> {
  data: unknown;
  errors?: unknown;
  extensions?: unknown;
  status: number;
  headers: Record<string, string>;
  durationMs: number;
  sent?: SentCorrelation;
}
