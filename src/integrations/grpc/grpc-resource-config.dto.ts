import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsString, Matches, Max, Min, ValidateIf, ValidateNested } from 'class-validator';
import { Satisfies } from '../../common/validation/satisfies.decorator';
import type { SecretField } from '../../resources/resource-type';
import { joinPath, MASKED } from '../../resources/secret-fields';
import { ResourceTlsOptions } from '../shared/resource-tls-options.dto';
import { IsStringMap, NotWith, Optional } from '../../resources/validation/config-validators';
import { parseGrpcAddress } from './grpc-address';
import { protoTextProblem } from './grpc-definitions';

/** gRPC metadata keys: lower case (HTTP/2 header names), not the reserved `grpc-` ones; `-bin` keys take base64 values. */
export const METADATA_KEY = /^(?!grpc-)[0-9a-z_.-]{1,100}$/;
/** Metadata whose values are secret without being listed in `secretMetadata`. */
export const DEFAULT_SECRET_METADATA = ['authorization', 'proxy-authorization', 'cookie', 'x-api-key'] as const;
export const DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
const MAX_PROTO_CHARS = 512 * 1024;

/** A gRPC server: where it listens, how to reach it (TLS), and where its service definitions come from. */
export class GrpcResourceConfig {
  @ApiProperty({ example: 'orders.internal:50051', description: 'host:port (IPv6 as [addr]:port); no scheme — unix:, dns: and other target schemes are refused' })
  @Satisfies('isGrpcAddress', (value) => {
    if (typeof value !== 'string') return 'must be host:port';
    const parsed = parseGrpcAddress(value);
    return 'problem' in parsed ? parsed.problem : null;
  })
  address: string;

  @ApiPropertyOptional({ type: ResourceTlsOptions, description: 'Present = TLS; servername defaults to the host of address' })
  @Optional() @ValidateNested() @Type(() => ResourceTlsOptions)
  tls?: ResourceTlsOptions;

  @ApiPropertyOptional({
    description: '.proto text defining the services the steps call (google/protobuf well-known imports allowed; other types must be in the same text). Either proto or reflection: true.',
    example: 'syntax = "proto3";\npackage orders.v1;\nservice Orders { rpc GetOrder (GetOrderRequest) returns (Order); }\nmessage GetOrderRequest { string order_id = 1; }\nmessage Order { string order_id = 1; string status = 2; }',
  })
  @ValidateIf((o: GrpcResourceConfig) => o.proto !== undefined || o.reflection !== true)
  @IsString({ message: 'proto (the .proto text) is required unless reflection is true' })
  @Satisfies('isProtoText', (value) => {
    if (typeof value !== 'string') return null; // IsString says so
    return value.length > MAX_PROTO_CHARS ? `must be at most ${MAX_PROTO_CHARS} characters` : protoTextProblem(value);
  })
  proto?: string;

  @ApiPropertyOptional({ example: true, description: 'true: load the service definitions from the server (grpc.reflection.v1, or v1alpha) instead of proto' })
  @Optional() @IsBoolean() @NotWith('proto')
  reflection?: boolean;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { authorization: 'Bearer change-me', 'x-tenant': 'acme' },
    description:
      'Sent with every call. Keys lower case; values of authorization, proxy-authorization, cookie, x-api-key and of the keys in secretMetadata are secret: stored encrypted, shown as ***; sending *** back keeps the stored value. Keys ending in -bin take base64.',
  })
  @Optional()
  @IsStringMap({ maxEntries: 50, maxValueLength: 8192, keyPattern: METADATA_KEY, keyDescription: 'a lower-case metadata key (0-9 a-z _ . -) not starting with grpc-' })
  metadata?: Record<string, string>;

  @ApiPropertyOptional({ type: [String], example: ['x-session-token'], description: 'More metadata keys whose values are secret' })
  @Optional() @IsArray() @ArrayMaxSize(50) @Matches(METADATA_KEY, { each: true, message: 'secretMetadata must hold metadata keys' })
  secretMetadata?: string[];

  @ApiPropertyOptional({ default: DEFAULT_MAX_MESSAGE_BYTES, minimum: 1024, maximum: 16 * 1024 * 1024, description: 'Largest response message accepted (bytes); a larger one fails the call with RESOURCE_EXHAUSTED' })
  @Optional() @IsInt() @Min(1024) @Max(16 * 1024 * 1024)
  maxReceiveMessageBytes?: number;
}

/** Lower-case keys of the config's secret metadata: the defaults and its `secretMetadata`. */
function secretMetadataKeys(config: Record<string, unknown>): Set<string> {
  const listed = Array.isArray(config.secretMetadata) ? config.secretMetadata.filter((k): k is string => typeof k === 'string') : [];
  return new Set([...DEFAULT_SECRET_METADATA, ...listed.map((k) => k.toLowerCase())]);
}

/** The client key of mutual TLS, and each secret metadata value present (masked as ***). */
export function grpcSecretFields(config: Record<string, unknown>): SecretField[] {
  const fields: SecretField[] = [{ path: 'tls.key' }];
  const metadata = config.metadata;
  if (metadata && typeof metadata === 'object' && !Array.isArray(metadata)) {
    const secret = secretMetadataKeys(config);
    for (const key of Object.keys(metadata)) {
      if (secret.has(key.toLowerCase())) fields.push({ path: joinPath('metadata', key), mask: () => MASKED });
    }
  }
  return fields;
}
