import { isIP } from 'node:net';
import { Client, credentials, Metadata, type ChannelCredentials, type ChannelOptions } from '@grpc/grpc-js';
import type { EgressService } from '../../egress/egress.service';
import type { ResourceEgressTarget } from '../../resources/resource-type';
import { grpcEndpoint, parseGrpcAddress, pinnedTarget } from './grpc-address';
import { DEFAULT_MAX_MESSAGE_BYTES, type GrpcResourceConfig } from './grpc-resource-config.dto';

/** Requests are JSON written in a flow: 4 MiB is far above any real one. */
const MAX_SEND_MESSAGE_BYTES = 4 * 1024 * 1024;

/**
 * A grpc-js client for a resource, connected through the egress gate: the host is resolved and checked
 * here and the channel is pinned to that address (see pinnedTarget), while the authority and the TLS
 * server name stay the host the resource names, so virtual hosting and certificate checks still work.
 */
export async function openGrpcClient(config: GrpcResourceConfig, egress: EgressService): Promise<Client> {
  const { host, port } = grpcEndpoint(config.address);
  const checked = await egress.resolve(host, port);
  const options: ChannelOptions = {
    'grpc.default_authority': config.address,
    'grpc.max_receive_message_length': config.maxReceiveMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_SEND_MESSAGE_BYTES,
    // A step's call is its own attempt; the engine's retry policy decides about another one.
    'grpc.enable_retries': 0,
    'grpc.max_reconnect_backoff_ms': 5_000,
  };
  const servername = config.tls?.servername ?? (isIP(host) ? undefined : host);
  if (config.tls && servername) options['grpc.ssl_target_name_override'] = servername;
  return new Client(pinnedTarget(checked, port), channelCredentials(config), options);
}

function channelCredentials(config: GrpcResourceConfig): ChannelCredentials {
  const tls = config.tls;
  if (!tls) return credentials.createInsecure();
  const pem = (value?: string) => (value ? Buffer.from(value) : null);
  return credentials.createSsl(pem(tls.ca), pem(tls.key), pem(tls.cert), { rejectUnauthorized: tls.rejectUnauthorized !== false });
}

/**
 * The metadata of one call: the resource's, then the step's (a key the step sets replaces the
 * resource's value). Keys ending in -bin carry base64 text, sent as bytes.
 */
export function callMetadata(...sources: Array<Record<string, string> | undefined>): Metadata {
  const metadata = new Metadata();
  const merged: Record<string, string> = {};
  for (const source of sources) for (const [key, value] of Object.entries(source ?? {})) merged[key.toLowerCase()] = value;
  for (const [key, value] of Object.entries(merged)) {
    if (key.endsWith('-bin')) metadata.set(key, Buffer.from(value, 'base64'));
    else metadata.set(key, value);
  }
  return metadata;
}

/** Metadata as plain JSON: one string per key (several values joined by ", "), binary values as base64. */
export function metadataToJson(metadata: Metadata | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, values] of Object.entries(metadata?.toJSON() ?? {})) {
    out[key] = values.map((value) => (Buffer.isBuffer(value) ? value.toString('base64') : String(value))).join(', ');
  }
  return out;
}

/** The server endpoint, for the resource type's save-time egress check. */
export function grpcEgressTargets(config: GrpcResourceConfig): ResourceEgressTarget[] {
  const parsed = parseGrpcAddress(config.address);
  return 'problem' in parsed ? [] : [{ field: 'address', host: parsed.host, port: parsed.port }];
}
