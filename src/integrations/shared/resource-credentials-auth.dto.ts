import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsString, MaxLength, ValidateIf } from 'class-validator';
import { Optional } from '../../resources/validation/config-validators';

export const CREDENTIALS_AUTH_TYPES = ['none', 'bearer', 'basic'] as const;

/** Auth of HTTP read APIs (Loki, Prometheus): none, a bearer token, or basic auth. Token and password are secrets. */
export class ResourceCredentialsAuth {
  @ApiProperty({ enum: CREDENTIALS_AUTH_TYPES, example: 'bearer' })
  @IsIn(CREDENTIALS_AUTH_TYPES)
  type: (typeof CREDENTIALS_AUTH_TYPES)[number];

  @ApiPropertyOptional({ description: 'Bearer token (type bearer). Secret: write-only.', writeOnly: true, example: 'glc_eyJrIjoi...' })
  @ValidateIf((o: ResourceCredentialsAuth) => o.type === 'bearer' || o.token !== undefined)
  @IsString() @IsNotEmpty() @MaxLength(8192)
  token?: string;

  @ApiPropertyOptional({ description: 'User name (type basic)', example: 'grafana' })
  @ValidateIf((o: ResourceCredentialsAuth) => o.type === 'basic' || o.username !== undefined)
  @IsString() @IsNotEmpty() @MaxLength(255)
  username?: string;

  @ApiPropertyOptional({ description: 'Password (type basic). Secret: write-only.', writeOnly: true })
  @Optional() @IsString() @MaxLength(1024)
  password?: string;
}

/** The secret fields of a `ResourceCredentialsAuth` at `auth`. */
export const CREDENTIALS_AUTH_SECRETS = [
  { path: 'auth.token', appliesWhen: { field: 'auth.type', in: ['bearer'] } },
  { path: 'auth.password', appliesWhen: { field: 'auth.type', in: ['basic'] } },
];
