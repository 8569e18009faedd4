import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import type { SecretField } from '../../resources/resource-type';
import { IsHttpUrl, Optional } from '../../resources/validation/config-validators';
import { ReadApiResourceConfig } from '../shared/read-api-resource-config.dto';
import { CREDENTIALS_AUTH_SECRETS } from '../shared/resource-credentials-auth.dto';

/** A Loki server (or a gateway in front of it) that log steps query. */
export class LokiResourceConfig extends ReadApiResourceConfig {
  @ApiProperty({ example: 'https://loki.monitoring.internal', description: 'Loki base URL (a path prefix for gateways is kept)' })
  @IsHttpUrl()
  url: string;

  @ApiPropertyOptional({ example: 'team-orders', description: 'Sent as X-Scope-OrgID (multi-tenant Loki)' })
  @Optional() @IsString() @Matches(/^[A-Za-z0-9!._*'()|-]{1,150}$/, { message: 'tenant must be a Loki tenant id (1-150 of A-Za-z0-9!._*\'()-, | joins tenants)' })
  tenant?: string;
}

export const LOKI_SECRETS: SecretField[] = CREDENTIALS_AUTH_SECRETS;
