import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsString, MaxLength } from 'class-validator';
import { Optional } from '../../resources/validation/config-validators';

/** TLS settings shared by the driver-based types; present = TLS on. `key` is a secret of the type. */
export class ResourceTlsOptions {
  @ApiPropertyOptional({ default: true, description: 'Verify the server certificate and host name' })
  @Optional() @IsBoolean()
  rejectUnauthorized?: boolean = true;

  @ApiPropertyOptional({ description: 'PEM CA certificate(s) to trust, e.g. a private CA', example: '-----BEGIN CERTIFICATE-----\n...' })
  @Optional() @IsString() @MaxLength(65536)
  ca?: string;

  @ApiPropertyOptional({ description: 'PEM client certificate (mutual TLS)' })
  @Optional() @IsString() @MaxLength(65536)
  cert?: string;

  @ApiPropertyOptional({ description: 'PEM client private key (mutual TLS). Secret: write-only.', writeOnly: true })
  @Optional() @IsString() @MaxLength(65536)
  key?: string;

  @ApiPropertyOptional({ description: 'Server name for SNI and certificate checks when it differs from the host' })
  @Optional() @IsString() @MaxLength(255)
  servername?: string;
}

/** node:tls options for drivers that take them (pg, mysql2, ioredis, kafkajs). */
export function tlsConnectionOptions(tls: ResourceTlsOptions): { rejectUnauthorized: boolean; ca?: string; cert?: string; key?: string; servername?: string } {
  return { rejectUnauthorized: tls.rejectUnauthorized !== false, ca: tls.ca, cert: tls.cert, key: tls.key, servername: tls.servername };
}
