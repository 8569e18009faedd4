import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, Matches, Max, Min } from 'class-validator';
import { Satisfies } from '../../common/validation/satisfies.decorator';
import type { ResourceEgressTarget, SecretField } from '../../resources/resource-type';
import { httpSecretFields } from '../http/http-resource-config.dto';
import { hasUrlCredentials, maskUrlCredentials } from '../../resources/url-credentials';
import { IsStringMap, Optional } from '../../resources/validation/config-validators';

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;

/** Handshake headers the ws library sets itself: a resource setting them would break the upgrade. */
const RESERVED_HANDSHAKE_HEADER = /^(?!(?:connection|upgrade|host|sec-websocket-key|sec-websocket-version|sec-websocket-extensions|sec-websocket-protocol)$)[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/i;

export const WEBSOCKET_HEADER_RULES = {
  maxEntries: 50,
  maxValueLength: 4096,
  keyPattern: RESERVED_HANDSHAKE_HEADER,
  keyDescription: 'a header name other than the handshake\'s own (Connection, Upgrade, Host, Sec-WebSocket-*; subprotocols have their own field)',
};

/** A ws:// or wss:// URL, at most 2048 characters (credentials allowed: the URL is then stored as a secret). */
export function IsWebSocketUrl(): PropertyDecorator {
  return Satisfies('isWebSocketUrl', (value) => {
    if (typeof value !== 'string' || value.length > 2048) return 'must be a ws:// or wss:// URL';
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return 'must be a ws:// or wss:// URL';
    }
    if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return 'must be a ws:// or wss:// URL';
    if (url.hash) return 'must not contain a #fragment';
    return null;
  });
}

/** A WebSocket endpoint that `websocket` steps connect to, with handshake headers (tokens, cookies). */
export class WebSocketResourceConfig {
  @ApiProperty({
    example: 'wss://events.staging.example.com/ws',
    description:
      'Steps connect here, or to their `path` under it. Credentials in it (a query parameter such as token, access_token, api_key, sig) are stored encrypted and shown as ***; send the URL whole again to change it.',
  })
  @IsWebSocketUrl()
  url: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { Authorization: 'Bearer change-me', Origin: 'https://app.example.com' },
    description:
      'Sent with every opening handshake. Values of Authorization, Cookie, X-Api-Key, Proxy-Authorization and of the names in secretHeaders are secret: stored encrypted, shown as ***; sending *** back keeps the stored value.',
  })
  @Optional()
  @IsStringMap(WEBSOCKET_HEADER_RULES)
  headers?: Record<string, string>;

  @ApiPropertyOptional({ type: [String], example: ['X-Session-Token'], description: 'More header names (any case) whose values in headers are secret' })
  @Optional() @IsArray() @ArrayMaxSize(50) @Matches(HEADER_NAME, { each: true, message: 'secretHeaders must hold header names' })
  secretHeaders?: string[];

  @ApiPropertyOptional({ default: true, description: 'Verify the server certificate (wss://)' })
  @Optional() @IsBoolean()
  tlsVerify: boolean = true;

  @ApiPropertyOptional({ default: 10000, minimum: 100, maximum: 120000, description: 'Most time the opening handshake may take (the step timeout also applies)' })
  @Optional() @IsInt() @Min(100) @Max(120_000)
  connectTimeoutMs: number = 10_000;
}

/**
 * Secret header values (masked as ***) by the http type's rules (Authorization, Cookie, X-Api-Key,
 * Proxy-Authorization and `secretHeaders`), and the URL when it carries credentials (masked in place).
 */
export function webSocketSecretFields(config: Record<string, unknown>): SecretField[] {
  const headers = httpSecretFields({ headers: config.headers, secretHeaders: config.secretHeaders }).filter((field) => field.path.startsWith('headers.'));
  return typeof config.url === 'string' && hasUrlCredentials(config.url) ? [{ path: 'url', mask: maskUrlCredentials }, ...headers] : headers;
}

export function webSocketEgressTargets(config: { url?: unknown }): ResourceEgressTarget[] {
  if (typeof config.url !== 'string') return [];
  try {
    const url = new URL(config.url);
    return [{ field: 'url', host: url.hostname, port: Number(url.port) || (url.protocol === 'wss:' ? 443 : 80) }];
  } catch {
    return [];
  }
}
