import type { ConsumeMessage, MessageProperties } from 'amqplib';
import { decodeMessageValue } from '../../steps/shared/message-matcher';
import type { AmqpConsumedMessage } from './amqp-consume-step.config';

/**
 * Bytes of a body the step keeps (for matching and for the result). A bigger body is cut here, said
 * with `bodyTruncated`: matching sees the first part (a `contains` on it still works, JSONPath does not
 * parse a cut document), so one huge message cannot hold megabytes per kept message in the worker.
 */
export const MAX_BODY_BYTES = 1024 * 1024;

const PROPERTY_NAMES = ['contentType', 'contentEncoding', 'correlationId', 'messageId', 'replyTo', 'expiration', 'type', 'appId', 'userId', 'clusterId', 'priority', 'deliveryMode'] as const;

/** A delivery as the search sees it (text, headers) and as the result shows it. */
export interface AmqpDelivery {
  text: string;
  headers: Record<string, string | string[]>;
  toResult(): AmqpConsumedMessage;
}

export function toDelivery(message: ConsumeMessage, receivedAt = Date.now()): AmqpDelivery {
  const { content, fields, properties } = message;
  const truncated = content.length > MAX_BODY_BYTES;
  // The cut may split a UTF-8 sequence: the decoder turns its remainder into U+FFFD.
  const body = truncated ? content.subarray(0, MAX_BODY_BYTES) : content;
  const text = new TextDecoder('utf-8').decode(body);
  const headers = headersAsText(properties.headers);
  // The closure below keeps `size`, not `content`: a delivery held for a deferred match holds the cut text only.
  const size = content.length;
  return {
    text,
    headers,
    toResult: () => ({
      value: truncated ? text : decodeMessageValue(text),
      headers,
      timestamp: new Date(timestampOf(properties) ?? receivedAt).toISOString(),
      exchange: fields.exchange,
      routingKey: fields.routingKey,
      redelivered: fields.redelivered,
      properties: propertiesOf(properties),
      size,
      ...(truncated && { bodyTruncated: true as const }),
    }),
  };
}

/**
 * AMQP header tables carry typed values; matching (`header` match type) and results use text, as for
 * Kafka: strings as they are, numbers and booleans as their text, byte arrays as UTF-8, arrays item by
 * item, nested tables as JSON. Absent values (void) are left out.
 */
export function headersAsText(headers: MessageProperties['headers']): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined || value === null) continue;
    result[name] = Array.isArray(value) ? value.map(valueAsText) : valueAsText(value);
  }
  return result;
}

function valueAsText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return value.toISOString();
  // amqplib decodes a typed value it keeps the type of as {'!': type, value}.
  if (value && typeof value === 'object' && '!' in value && 'value' in value) return valueAsText((value as { value: unknown }).value);
  return JSON.stringify(value, (_, item: unknown) => (typeof item === 'bigint' ? String(item) : Buffer.isBuffer(item) ? item.toString('utf8') : item)) ?? '';
}

/** AMQP 0-9-1 timestamps are seconds; publishers that send milliseconds are recognised by size. */
function timestampOf(properties: MessageProperties): number | undefined {
  const raw = properties.timestamp as unknown;
  if (typeof raw !== 'number' || !Number.isFinite(raw) || raw <= 0) return undefined;
  return raw > 100_000_000_000 ? raw : raw * 1000;
}

function propertiesOf(properties: MessageProperties): Record<string, string | number> {
  const result: Record<string, string | number> = {};
  for (const name of PROPERTY_NAMES) {
    const value = properties[name] as unknown;
    if (typeof value === 'string' || typeof value === 'number') result[name] = value;
  }
  return result;
}
