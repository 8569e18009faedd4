import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsString, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { Satisfies } from '../../common/validation/satisfies.decorator';
import type { SecretField } from '../../resources/resource-type';
import { ResourceTlsOptions } from '../shared/resource-tls-options.dto';
import { Optional } from '../../resources/validation/config-validators';

/** MQTT protocol levels as the CONNECT packet carries them: 4 is MQTT 3.1.1, 5 is MQTT 5.0. */
export const MQTT_PROTOCOL_VERSIONS = [4, 5] as const;
export type MqttProtocolVersion = (typeof MQTT_PROTOCOL_VERSIONS)[number];

/** An MQTT broker that publish and subscribe steps use. Credentials go in user/password, never in the URL. */
export class MqttResourceConfig {
  @ApiProperty({
    example: 'mqtts://broker.internal:8883',
    description: 'mqtt://host[:port] (default port 1883) or mqtts://host[:port] (TLS, default 8883). MQTT over WebSocket (ws://, wss://) is not supported.',
  })
  @Satisfies('isMqttUrl', (value) => mqttUrlProblem(value))
  url: string;

  @ApiPropertyOptional({
    default: 'ats',
    example: 'ats-orders',
    description: 'Client ids are `<prefix>-<random>`, unique per connection (a broker disconnects the older of two clients with one id)',
  })
  @Optional() @IsString() @Matches(/^[A-Za-z0-9._-]{1,40}$/, { message: 'clientIdPrefix must be 1-40 characters of [A-Za-z0-9._-]' })
  clientIdPrefix?: string;

  @ApiPropertyOptional({ example: 'qa-runner', description: 'User name sent in CONNECT' })
  @Optional() @IsString() @Length(1, 255)
  user?: string;

  @ApiPropertyOptional({ description: 'Secret: write-only, stored encrypted.', writeOnly: true, example: 'change-me' })
  @Optional() @IsString() @MaxLength(1024)
  password?: string;

  @ApiPropertyOptional({ enum: MQTT_PROTOCOL_VERSIONS, default: 5, example: 5, description: '5: MQTT 5.0 (user properties, reason codes); 4: MQTT 3.1.1' })
  @Optional() @IsIn(MQTT_PROTOCOL_VERSIONS, { message: 'protocolVersion must be 5 (MQTT 5.0) or 4 (MQTT 3.1.1)' })
  protocolVersion: MqttProtocolVersion = 5;

  @ApiPropertyOptional({ type: ResourceTlsOptions, description: 'TLS settings (CA, client certificate); TLS itself is chosen by mqtts://' })
  @Optional() @ValidateNested() @Type(() => ResourceTlsOptions)
  tls?: ResourceTlsOptions;
}

export const MQTT_SECRETS: SecretField[] = [{ path: 'password' }, { path: 'tls.key' }];

export interface MqttEndpoint {
  host: string;
  port: number;
  tls: boolean;
}

/** Host, port and TLS of a validated `url`. */
export function mqttEndpoint(url: string): MqttEndpoint {
  const parsed = new URL(url);
  const tls = parsed.protocol === 'mqtts:';
  return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port: parsed.port ? Number(parsed.port) : tls ? 8883 : 1883, tls };
}

function mqttUrlProblem(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 2048) return 'must be an mqtt:// or mqtts:// URL';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an mqtt:// or mqtts:// URL, e.g. mqtt://broker.internal:1883';
  }
  if (url.protocol === 'ws:' || url.protocol === 'wss:') return 'must be mqtt:// or mqtts://: MQTT over WebSocket (ws://, wss://) is not supported';
  if (url.protocol !== 'mqtt:' && url.protocol !== 'mqtts:') return 'must be an mqtt:// or mqtts:// URL';
  if (!url.hostname) return 'must name a host, e.g. mqtt://broker.internal:1883';
  if (url.username || url.password) return 'must not contain credentials; use user and password (the password is stored encrypted)';
  if ((url.pathname && url.pathname !== '/') || url.search || url.hash) return 'must be just mqtt[s]://host[:port] (no path, query or fragment)';
  return null;
}
