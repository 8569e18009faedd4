import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsString, Length, Matches, Max, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';
import type { SecretField } from '../../resources/resource-type';
import { NotWith, Optional } from '../../resources/validation/config-validators';
import { ResourceTlsOptions } from '../shared/resource-tls-options.dto';

/** A Redis server, by URL or host/port. Credentials go in username/password, never in the URL. */
export class RedisResourceConfig {
  @ApiPropertyOptional({ example: 'redis://cache.internal:6379/0', description: 'redis:// or rediss:// (TLS); give either url or host' })
  @ValidateIf((o: RedisResourceConfig) => o.url !== undefined || o.host === undefined)
  @IsString({ message: 'url or host is required' })
  @Matches(/^rediss?:\/\/[^/@:\s]+(:\d{1,5})?(\/\d{1,3})?$/, {
    message: 'url must be redis://host[:port][/db] or rediss://…, without credentials (use username/password)',
  })
  @NotWith('host')
  url?: string;

  @ApiPropertyOptional({ example: 'cache.internal' })
  @ValidateIf((o: RedisResourceConfig) => o.host !== undefined || o.url === undefined)
  @IsString({ message: 'host or url is required' }) @Length(1, 255)
  host?: string;

  @ApiPropertyOptional({ example: 6379, description: 'Default 6379' })
  @Optional() @IsInt() @Min(1) @Max(65535) @NotWith('url')
  port?: number;

  @ApiPropertyOptional({ example: 0, description: 'Database index; default 0 (or the one in the URL)' })
  @Optional() @IsInt() @Min(0) @Max(255)
  db?: number;

  @ApiPropertyOptional({ example: 'qa', description: 'ACL user (Redis 6+)' })
  @Optional() @IsString() @Length(1, 255)
  username?: string;

  @ApiPropertyOptional({ description: 'Secret: write-only, stored encrypted.', writeOnly: true, example: 'change-me' })
  @Optional() @IsString() @MaxLength(1024)
  password?: string;

  @ApiPropertyOptional({ type: ResourceTlsOptions, description: 'Present = TLS (implied by rediss://)' })
  @Optional() @ValidateNested() @Type(() => ResourceTlsOptions)
  tls?: ResourceTlsOptions;
}

export const REDIS_SECRETS: SecretField[] = [{ path: 'password' }, { path: 'tls.key' }];
