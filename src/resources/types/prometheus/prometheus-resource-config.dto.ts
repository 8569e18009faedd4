import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, Max, Min, ValidateNested } from 'class-validator';
import type { SecretField } from '../../resource-type';
import { IsHttpUrl, Optional } from '../../validation/config-validators';
import { CREDENTIALS_AUTH_SECRETS, ResourceCredentialsAuth } from '../common/resource-credentials-auth.dto';

/** A Prometheus server (or compatible API) that metric steps query. */
export class PrometheusResourceConfig {
  @ApiProperty({ example: 'https://prometheus.monitoring.internal', description: 'Prometheus base URL (a path prefix is kept)' })
  @IsHttpUrl()
  url: string;

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

export const PROMETHEUS_SECRETS: SecretField[] = CREDENTIALS_AUTH_SECRETS;
