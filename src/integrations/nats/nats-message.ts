import { headers as natsHeaderSet, type Msg, type MsgHdrs } from '@nats-io/transport-node';
import type { JsMsg } from '@nats-io/jetstream';
import { addCorrelationHeaders, type CorrelationOptions, type SentCorrelation } from '../../steps/shared/correlation-headers';
import { decodeMessageValue } from '../../steps/shared/message-matcher';
import type { OfferedMessage } from '../../steps/shared/message-search';

/**
 * Bytes of a body kept for matching and the result. A NATS server takes up to 1 MiB per message by
 * default (8 MiB at most) and a window may hold thousands of messages, so each is cut here: a longer
 * body is matched and returned as its first 64 KiB of text, marked `truncated` with its `size`.
 */
export const MAX_KEPT_BODY_BYTES = 64 * 1024;

/** A received message as subscribe/consume steps return it (kafka's shape plus the subject). */
export interface NatsReceivedMessage {
  /** Parsed when a JSON object or array, else text ('' for an empty body). */
  value: unknown;
  headers: Record<string, string | string[]>;
  timestamp: string;
  subject: string;
  /** Present when the body was longer than MAX_KEPT_BODY_BYTES: its full size in bytes. */
  size?: number;
  truncated?: true;
}

export interface JetStreamReceivedMessage extends NatsReceivedMessage {
  stream: string;
  seq: number;
}

/** Result-schema properties of a received message beside the shared value/headers/timestamp. */
export const NATS_MESSAGE_PROPERTIES = {
  subject: { type: 'string', description: 'The subject it was published on (a wildcard subscription receives many)' },
  size: { type: 'integer', description: `Full body size in bytes, when it was cut to ${MAX_KEPT_BODY_BYTES} bytes` },
  truncated: { type: 'boolean', description: 'The body was longer than the kept part (value holds its start as text)' },
} as const;

/** The body as sent: strings as is, other JSON as its text, null (or nothing) as an empty body. */
export function encodeBody(message: unknown): string {
  if (message === null || message === undefined) return '';
  return typeof message === 'string' ? message : JSON.stringify(message);
}

/** The step's headers plus the run's correlation headers (unless it opted out), and what was sent. */
export function outgoingHeaders(config: CorrelationOptions & { headers?: Record<string, string> }, run: { correlationId: string; traceId: string }): { headers?: MsgHdrs; sent?: SentCorrelation } {
  const values = { ...config.headers };
  const sent = addCorrelationHeaders(values, config, run);
  return { headers: toNatsHeaders(values), ...(sent && { sent }) };
}

export function toNatsHeaders(values: Record<string, string>): MsgHdrs | undefined {
  const entries = Object.entries(values);
  if (!entries.length) return undefined;
  const set = natsHeaderSet();
  for (const [name, value] of entries) set.set(name, value);
  return set;
}

/** Headers as plain JSON: one value as a string, a repeated header as its values. */
export function fromNatsHeaders(set: MsgHdrs | undefined): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (!set) return out;
  for (const name of set.keys()) {
    const values = set.values(name);
    out[name] = values.length === 1 ? values[0] : values;
  }
  return out;
}

/** What the search sees and keeps of a body: text cut to the kept size, decoded once. */
function keptBody(data: Uint8Array): { text: string; value: unknown; cut?: { size: number; truncated: true } } {
  if (data.length <= MAX_KEPT_BODY_BYTES) {
    const text = new TextDecoder('utf-8').decode(data);
    return { text, value: decodeMessageValue(text) };
  }
  const text = new TextDecoder('utf-8').decode(data.subarray(0, MAX_KEPT_BODY_BYTES));
  return { text, value: text, cut: { size: data.length, truncated: true } };
}

export function offerCoreMessage(msg: Msg): OfferedMessage<NatsReceivedMessage> {
  const body = keptBody(msg.data);
  const headers = fromNatsHeaders(msg.headers);
  const timestamp = new Date().toISOString();
  return {
    text: body.text,
    headers,
    toResult: () => ({ value: body.value, headers, timestamp, subject: msg.subject, ...body.cut }),
  };
}

export function offerJetStreamMessage(msg: JsMsg): OfferedMessage<JetStreamReceivedMessage> {
  const body = keptBody(msg.data);
  const headers = fromNatsHeaders(msg.headers);
  // The server's store time (ns since the epoch; a double keeps the milliseconds exact).
  const timestamp = new Date(Math.floor(msg.info.timestampNanos / 1e6)).toISOString();
  return {
    text: body.text,
    headers,
    toResult: () => ({ value: body.value, headers, timestamp, subject: msg.subject, stream: msg.info.stream, seq: msg.seq, ...body.cut }),
  };
}

/** A reply of nats-request, decoded like a received message. */
export function replyOf(msg: Msg): NatsReceivedMessage {
  return offerCoreMessage(msg).toResult();
}
