import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsString, Matches, Max, Min, ValidateNested } from 'class-validator';
import type { SecretField } from '../../resource-type';
import { IsHttpUrl, Optional } from '../../validation/config-validators';
import { CREDENTIALS_AUTH_SECRETS, ResourceCredentialsAuth } from '../common/resource-credentials-auth.dto';

/** A Loki server (or a gateway in front of it) that log steps query. */
export class LokiResourceConfig {
  @ApiProperty({ example: 'https://loki.monitoring.internal', description: 'Loki base URL (a path prefix for gateways is kept)' })
  @IsHttpUrl()
  url: string;

  @ApiPropertyOptional({ example: 'team-orders', description: 'Sent as X-Scope-OrgID (multi-tenant Loki)' })
  @Optional() @IsString() @Matches(/^[A-Za-z0-9!._*'()|-]{1,150}$/, { message: 'tenant must be a Loki tenant id (1-150 of A-Za-z0-9!._*\'()-, | joins tenants)' })
  tenant?: string;

  @ApiPropertyOptional({ type: ResourceCredentialsAuth })
  @Optional() @ValidateNested() @Type(() => ResourceCredentialsAuth)
  auth?: ResourceCredentialsAuth;

  @ApiPropertyOptional({ default: true })
  @Optional() @IsBoolean()
  tlsVerify: boolean = true;

  @ApiPropertyOptional({ default: 30000, minimum: 100, maximum: 300000 })
  @Optional() @IsInt() @Min(100) @Max(300_000)
  timeoutMs: number = 30_000;
}

export const LOKI_SECRETS: SecretField[] = CREDENTIALS_AUTH_SECRETS;
