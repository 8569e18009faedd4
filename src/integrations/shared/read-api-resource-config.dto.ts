import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, Max, Min, ValidateNested } from 'class-validator';
import { Optional } from '../../resources/validation/config-validators';
import { ResourceCredentialsAuth } from './resource-credentials-auth.dto';

/**
 * Settings shared by the read-only query APIs (Loki, Prometheus): optional bearer/basic credentials,
 * TLS verification and a request timeout. Each type adds its own `url` (with its own example) and extras.
 */
export class ReadApiResourceConfig {
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
