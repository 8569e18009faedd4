import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsString, Matches, Max, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';
import type { SecretField } from '../../resource-type';
import { IsHttpUrl, IsStringMap, Optional } from '../../validation/config-validators';

export const HTTP_AUTH_TYPES = ['none', 'bearer', 'basic', 'apiKey'] as const;

export class HttpResourceAuth {
  @ApiProperty({ enum: HTTP_AUTH_TYPES, example: 'bearer' })
  @IsIn(HTTP_AUTH_TYPES)
  type: (typeof HTTP_AUTH_TYPES)[number];

  @ApiPropertyOptional({ description: 'Bearer token (type bearer). Secret: write-only.', writeOnly: true, example: 'eyJhbGciOi...' })
  @ValidateIf((o: HttpResourceAuth) => o.type === 'bearer' || o.token !== undefined)
  @IsString() @IsNotEmpty() @MaxLength(8192)
  token?: string;

  @ApiPropertyOptional({ description: 'User name (type basic)', example: 'qa-bot' })
  @ValidateIf((o: HttpResourceAuth) => o.type === 'basic' || o.username !== undefined)
  @IsString() @IsNotEmpty() @MaxLength(255)
  username?: string;

  @ApiPropertyOptional({ description: 'Password (type basic). Secret: write-only.', writeOnly: true })
  @Optional() @IsString() @MaxLength(1024)
  password?: string;

  @ApiPropertyOptional({ description: 'Header carrying the key (type apiKey)', default: 'X-API-Key', example: 'X-API-Key' })
  @Optional() @Matches(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/, { message: 'headerName must be a valid header name' })
  headerName?: string;

  @ApiPropertyOptional({ description: 'API key value (type apiKey). Secret: write-only.', writeOnly: true })
  @ValidateIf((o: HttpResourceAuth) => o.type === 'apiKey' || o.value !== undefined)
  @IsString() @IsNotEmpty() @MaxLength(8192)
  value?: string;
}

/** A base URL HTTP steps call relative paths against, with default headers and credentials. */
export class HttpResourceConfig {
  @ApiProperty({ example: 'https://orders.staging.example.com/api' })
  @IsHttpUrl()
  baseUrl: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { Accept: 'application/json', 'X-Tenant': 'acme' },
    description: 'Sent with every request. Not secret: put credentials in auth.',
  })
  @Optional()
  @IsStringMap({ maxEntries: 50, maxValueLength: 4096, keyPattern: /^(?!authorization$)(?!proxy-authorization$)[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/i, keyDescription: 'a header name other than Authorization (use auth, which is encrypted)' })
  headers?: Record<string, string>;

  @ApiPropertyOptional({ type: HttpResourceAuth })
  @Optional() @ValidateNested() @Type(() => HttpResourceAuth)
  auth?: HttpResourceAuth;

  @ApiPropertyOptional({ default: true, description: 'Verify the server certificate' })
  @Optional() @IsBoolean()
  tlsVerify: boolean = true;

  @ApiPropertyOptional({ default: 30000, minimum: 100, maximum: 300000, description: 'Default request timeout of HTTP steps' })
  @Optional() @IsInt() @Min(100) @Max(300_000)
  timeoutMs: number = 30_000;
}

export const HTTP_SECRETS: SecretField[] = [
  { path: 'auth.token', appliesWhen: { field: 'auth.type', in: ['bearer'] } },
  { path: 'auth.password', appliesWhen: { field: 'auth.type', in: ['basic'] } },
  { path: 'auth.value', appliesWhen: { field: 'auth.type', in: ['apiKey'] } },
];
