import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsNotEmpty, IsString, Matches, Max, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';
import type { SecretField } from '../../resources/resource-type';
import { joinPath, MASKED } from '../../resources/secret-fields';
import { hasUrlCredentials, maskUrlCredentials } from '../../resources/url-credentials';
import { IsHttpUrl, IsStringMap, Optional } from '../../resources/validation/config-validators';

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;

/** Header names whose values are secret without being listed in `secretHeaders` (compared case-insensitively). */
export const DEFAULT_SECRET_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'x-api-key'] as const;

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
  @Optional() @Matches(HEADER_NAME, { message: 'headerName must be a valid header name' })
  headerName?: string;

  @ApiPropertyOptional({ description: 'API key value (type apiKey). Secret: write-only.', writeOnly: true })
  @ValidateIf((o: HttpResourceAuth) => o.type === 'apiKey' || o.value !== undefined)
  @IsString() @IsNotEmpty() @MaxLength(8192)
  value?: string;
}

/** A base URL HTTP steps call relative paths against, with default headers and credentials. */
export class HttpResourceConfig {
  @ApiProperty({
    example: 'https://orders.staging.example.com/api',
    description:
      'Relative step URLs are joined onto it. Credentials in it (user:password@, or a query parameter such as token, access_token, api_key, key, sig, signature, password, secret) are stored encrypted and shown as ***; send the URL whole again to change it.',
  })
  @IsHttpUrl({ credentialsAllowed: true })
  baseUrl: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { Accept: 'application/json', 'X-Tenant': 'acme' },
    description:
      'Sent with every request to the base URL\'s origin. Values of Cookie, X-Api-Key, Proxy-Authorization and of the names in secretHeaders are secret: stored encrypted, shown as ***; sending *** back keeps the stored value.',
  })
  @Optional()
  @IsStringMap({ maxEntries: 50, maxValueLength: 4096, keyPattern: /^(?!authorization$)[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/i, keyDescription: 'a header name other than Authorization (use auth)' })
  headers?: Record<string, string>;

  @ApiPropertyOptional({ type: [String], example: ['X-Trace-Token'], description: 'More header names (any case) whose values in headers are secret' })
  @Optional() @IsArray() @ArrayMaxSize(50) @Matches(HEADER_NAME, { each: true, message: 'secretHeaders must hold header names' })
  secretHeaders?: string[];

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

const HTTP_AUTH_SECRETS: SecretField[] = [
  { path: 'auth.token', appliesWhen: { field: 'auth.type', in: ['bearer'] } },
  { path: 'auth.password', appliesWhen: { field: 'auth.type', in: ['basic'] } },
  { path: 'auth.value', appliesWhen: { field: 'auth.type', in: ['apiKey'] } },
];

/** Lower-case names of the config's secret headers: the defaults and its `secretHeaders`. */
export function secretHeaderNames(config: { secretHeaders?: unknown }): Set<string> {
  const listed = Array.isArray(config.secretHeaders) ? config.secretHeaders.filter((n): n is string => typeof n === 'string') : [];
  return new Set([...DEFAULT_SECRET_HEADERS, ...listed.map((n) => n.toLowerCase())]);
}

/**
 * The http type's secret fields for one config: the auth secrets, each secret header present in
 * `headers` (masked as ***), and `baseUrl` itself when it carries credentials (masked in place).
 */
export function httpSecretFields(config: Record<string, unknown>): SecretField[] {
  const fields = [...HTTP_AUTH_SECRETS];
  if (typeof config.baseUrl === 'string' && hasUrlCredentials(config.baseUrl)) fields.push({ path: 'baseUrl', mask: maskUrlCredentials });
  const headers = config.headers;
  if (headers && typeof headers === 'object' && !Array.isArray(headers)) {
    const secret = secretHeaderNames(config);
    for (const name of Object.keys(headers)) {
      if (secret.has(name.toLowerCase())) fields.push({ path: joinPath('headers', name), mask: () => MASKED });
    }
  }
  return fields;
}
