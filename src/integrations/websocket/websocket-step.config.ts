import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { Satisfies } from '../../common/validation/satisfies.decorator';
import { IsStringMap } from '../../resources/validation/config-validators';
import { checkSearchPattern, MessageSearchConfig, type MessageSearchResult } from '../../steps/shared/message-search';
import { isPlainObject, type RawProblem } from '../../steps/shared/step-config-validators';
import { WEBSOCKET_MAX_PAYLOAD_BYTES } from './websocket-connect';
import { WEBSOCKET_HEADER_RULES } from './websocket-resource-config.dto';

/** RFC 6455 subprotocol names are HTTP tokens. */
const SUBPROTOCOL = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;

/**
 * Config of a `websocket` step: connect (the resource's URL, or `path` under it), send `send` once the
 * connection is open, and wait for messages matching `searchPattern`. Run in the background, it is
 * connected and listening before the flow's next step starts.
 */
export class WebSocketStepConfig extends MessageSearchConfig {
  @ApiProperty({ format: 'uuid', description: 'A `websocket` resource', example: '6f1c2a8e-3b4d-4e5f-9a7b-1c2d3e4f5a6b' })
  @IsUUID()
  resourceId: string;

  @ApiPropertyOptional({ example: '/orders/${create.response.body.id}/events?since=now', description: 'Path (and query) under the resource URL; default: the resource URL itself' })
  @IsOptional() @IsString() @MaxLength(2048) @Matches(/^[^#\s]*$/, { message: 'path must not contain spaces or a #fragment' })
  path?: string;

  @ApiPropertyOptional({ type: [String], example: ['graphql-transport-ws'], description: 'Sec-WebSocket-Protocol values offered; the server must accept one of them' })
  @IsOptional() @IsArray() @ArrayMaxSize(10) @Matches(SUBPROTOCOL, { each: true, message: 'subprotocols must hold protocol names (letters, digits and !#$%&\'*+.^_`|~-)' })
  subprotocols?: string[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { 'X-Tenant': 'acme' }, description: 'Handshake headers of this step; they win over the resource\'s' })
  @IsOptional()
  @IsStringMap(WEBSOCKET_HEADER_RULES)
  headers?: Record<string, string>;

  @ApiPropertyOptional({
    type: 'array',
    items: {},
    example: [{ type: 'subscribe', channel: 'orders' }, 'ping'],
    description: 'Messages sent, in order, once the connection is open (before the step is ready): a string is sent as is, any other JSON value as its JSON text',
  })
  @IsOptional() @IsArray() @ArrayMaxSize(100)
  @Satisfies('sendableMessages', (value) => {
    if (!Array.isArray(value)) return null;
    const at = value.findIndex((item) => item === null || item === undefined || serializedSize(item) > WEBSOCKET_MAX_PAYLOAD_BYTES);
    return at < 0 ? null : `item ${at} must be a string or JSON value of at most ${WEBSOCKET_MAX_PAYLOAD_BYTES} bytes`;
  })
  send?: unknown[];

  @ApiPropertyOptional({ default: 10000, minimum: 100, maximum: 120000, description: 'Most time the opening handshake may take; default: the resource\'s connectTimeoutMs' })
  @IsOptional() @IsInt() @Min(100) @Max(120_000)
  connectTimeoutMs?: number;
}

/** The text frame a `send` item becomes. */
export function messageText(item: unknown): string {
  return typeof item === 'string' ? item : JSON.stringify(item);
}

function serializedSize(item: unknown): number {
  return Buffer.byteLength(messageText(item) ?? '');
}

/**
 * Save-time checks beyond the DTO: the shared JSONPath check, and matchType `header`, which a
 * WebSocket message cannot satisfy (frames carry no headers).
 */
export function checkWebSocketStepConfig(raw: Record<string, unknown>): RawProblem[] {
  const search = raw.searchPattern;
  if (isPlainObject(search) && search.matchType === 'header') {
    return [{ path: '/searchPattern/matchType', message: 'WebSocket messages carry no headers: use contains or jsonpath (the handshake headers are set on the resource or the step)' }];
  }
  return checkSearchPattern(raw);
}

export interface WebSocketMessage {
  /** Parsed when a JSON object or array, else text (binary frames decoded as UTF-8). */
  value: unknown;
  /** Always empty: WebSocket frames have no headers (kept so every subscribe-type message has the same shape). */
  headers: Record<string, string>;
  timestamp: string;
  binary: boolean;
}

export interface WebSocketStepResult extends MessageSearchResult<WebSocketMessage> {
  /** The subprotocol the server chose ('' when none was offered). */
  subprotocol: string;
}
