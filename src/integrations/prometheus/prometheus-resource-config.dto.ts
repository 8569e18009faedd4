import { ApiProperty } from '@nestjs/swagger';
import type { SecretField } from '../../resources/resource-type';
import { IsHttpUrl } from '../../resources/validation/config-validators';
import { ReadApiResourceConfig } from '../shared/read-api-resource-config.dto';
import { CREDENTIALS_AUTH_SECRETS } from '../shared/resource-credentials-auth.dto';

/** A Prometheus server (or compatible API) that metric steps query. */
export class PrometheusResourceConfig extends ReadApiResourceConfig {
  @ApiProperty({ example: 'https://prometheus.monitoring.internal', description: 'Prometheus base URL (a path prefix is kept)' })
  @IsHttpUrl()
  url: string;
}

export const PROMETHEUS_SECRETS: SecretField[] = CREDENTIALS_AUTH_SECRETS;
