import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { JSONSchema } from 'class-validator-jsonschema';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { CorrelationOptions, type SentCorrelation } from '../../steps/shared/correlation-headers';
import { IsStringMap } from '../../resources/validation/config-validators';
import { scalarsToStrings } from '../../steps/shared/step-config-validators';
import { METADATA_KEY } from './grpc-resource-config.dto';
import { GRPC_STATUS_NAMES, type GrpcCallStatus } from './grpc-status';

export const DEFAULT_MAX_MESSAGES = 100;
export const MAX_MAX_MESSAGES = 1000;

/**
 * Config of a `grpc` step: one unary or server-streaming call on a `grpc` resource. A status other than
 * those in `expectStatus` (default OK) fails the step, with the status, details and trailers kept as its
 * response; listing the status the test expects (NOT_FOUND for a missing order) makes it a success whose
 * `status` is assertable like any JSON.
 */
export class GrpcStepConfig extends CorrelationOptions {
  @ApiProperty({ format: 'uuid', description: 'A `grpc` resource', example: '6f1c2a8e-3b4d-4e5f-9a7b-1c2d3e4f5a6b' })
  @IsUUID()
  resourceId: string;

  @ApiProperty({ example: 'orders.v1.Orders', description: 'Fully qualified service name (package.Service)' })
  @IsString() @Matches(/^[A-Za-z_][A-Za-z0-9_.]{0,254}$/, { message: 'service must be a fully qualified service name such as orders.v1.Orders' })
  service: string;

  @ApiProperty({ example: 'GetOrder', description: 'A unary or server-streaming method of the service' })
  @IsString() @Matches(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, { message: 'method must be a method name such as GetOrder' })
  method: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { order_id: '${create.response.body.id}' },
    description: 'The request as JSON: fields by proto name or JSON name, enums by name, 64-bit integers as numbers or strings, bytes as base64. Default {}.',
  })
  @IsOptional() @IsObject()
  @JSONSchema({ description: 'The request as JSON (fields by proto or JSON name, enums by name, 64-bit integers as numbers or strings, bytes as base64)', examples: [{ order_id: 'o-42' }] })
  message?: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { 'x-request-id': '${uuid()}' }, description: 'Call metadata; replaces the resource\'s value of the same key' })
  @IsOptional()
  @Transform(({ value }) => scalarsToStrings(value))
  @IsStringMap({ maxEntries: 50, maxValueLength: 8192, keyPattern: METADATA_KEY, keyDescription: 'a lower-case metadata key (0-9 a-z _ . -) not starting with grpc-' })
  @JSONSchema(() => ({ type: 'object', additionalProperties: { type: 'string' }, propertyNames: { pattern: METADATA_KEY.source }, examples: [{ 'x-request-id': 'r-1' }] }))
  metadata?: Record<string, string>;

  @ApiPropertyOptional({ example: 5000, minimum: 1, maximum: 600000, description: 'Call deadline in ms; the step\'s own deadline applies when it is sooner' })
  @IsOptional() @IsInt() @Min(1) @Max(600_000)
  deadlineMs?: number;

  @ApiPropertyOptional({
    example: 10,
    default: DEFAULT_MAX_MESSAGES,
    minimum: 1,
    maximum: MAX_MAX_MESSAGES,
    description: 'Server streaming: stop reading (and cancel the call) after this many messages; the result then says truncated: true',
  })
  @IsOptional() @IsInt() @Min(1) @Max(MAX_MAX_MESSAGES)
  maxMessages?: number;

  @ApiPropertyOptional({
    oneOf: [{ type: 'string', enum: GRPC_STATUS_NAMES }, { type: 'array', items: { type: 'string', enum: GRPC_STATUS_NAMES } }],
    example: 'NOT_FOUND',
    default: 'OK',
    description: 'The status (or statuses) that make the step succeed; any other fails it. Set it to assert on an error status.',
  })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? [value] : value))
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(17)
  @IsIn(GRPC_STATUS_NAMES, { each: true, message: `expectStatus must be gRPC status names: ${GRPC_STATUS_NAMES.join(', ')}` })
  @MaxLength(40, { each: true })
  @JSONSchema(() => ({
    oneOf: [
      { type: 'string', enum: [...GRPC_STATUS_NAMES] },
      { type: 'array', items: { type: 'string', enum: [...GRPC_STATUS_NAMES] }, minItems: 1 },
    ],
    description: 'Status name(s) that make the step succeed; default OK',
  }))
  expectStatus?: string[];
}

/** What a call returns: `message` for a unary call, `messages` for a server stream. */
export interface GrpcStepResult extends Record<string, unknown> {
  status: GrpcCallStatus;
  message?: Record<string, unknown> | null;
  messages?: Array<Record<string, unknown>>;
  messageCount?: number;
  truncated?: boolean;
  metadata: Record<string, string>;
  trailers: Record<string, string>;
  sent?: SentCorrelation;
}
