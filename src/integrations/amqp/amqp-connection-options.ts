import { isIP } from 'node:net';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { connect, type ChannelModel } from 'amqplib';
import type { EgressService } from '../../egress/egress.service';
import type { ResourceEgressTarget } from '../../resources/resource-type';
import { tlsConnectionOptions } from '../shared/resource-tls-options.dto';
import type { AmqpResourceConfig } from './amqp-resource-config.dto';

export interface AmqpEndpoint {
  tls: boolean;
  host: string;
  port: number;
  vhost: string;
  username: string;
  password: string;
  /** The config field that holds the address, for 400s. */
  field: 'url' | 'host';
}

/** Where and as whom a config connects; a URL's userinfo and path are percent-decoded (AMQP URI spec). */
export function amqpEndpoint(config: AmqpResourceConfig): AmqpEndpoint {
  if (config.url) {
    const url = new URL(config.url);
    const tls = url.protocol === 'amqps:' || config.tls !== undefined;
    const hasUser = url.username !== '' || url.password !== '';
    return {
      tls,
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port ? Number(url.port) : tls ? 5671 : 5672,
      vhost: url.pathname.length > 1 ? decodeURIComponent(url.pathname.slice(1)) : '/',
      username: hasUser ? decodeURIComponent(url.username) : (config.username ?? 'guest'),
      password: hasUser ? decodeURIComponent(url.password) : (config.password ?? 'guest'),
      field: 'url',
    };
  }
  const tls = config.tls !== undefined;
  return {
    tls,
    host: config.host ?? 'localhost',
    port: config.port ?? (tls ? 5671 : 5672),
    vhost: config.vhost ?? '/',
    username: config.username ?? 'guest',
    password: config.password ?? 'guest',
    field: 'host',
  };
}

export function amqpEgressTargets(config: AmqpResourceConfig): ResourceEgressTarget[] {
  const { field, host, port } = amqpEndpoint(config);
  return [{ field, host, port }];
}

/** `host:port/vhost` for messages (never the credentials). */
export function describeEndpoint(endpoint: AmqpEndpoint): string {
  return `${endpoint.host}:${endpoint.port} vhost "${endpoint.vhost}"`;
}

/**
 * Opens a connection for a resource. amqplib opens its own socket, so the host is resolved through the
 * egress gate first and the socket goes to the checked address (no second lookup, no rebinding); with
 * TLS the certificate is still checked against the configured host name (servername). `timeoutMs`
 * bounds the TCP connect and the AMQP handshake (a port that accepts but never speaks AMQP).
 */
export async function connectAmqp(config: AmqpResourceConfig, egress: EgressService, timeoutMs: number): Promise<ChannelModel> {
  const endpoint = amqpEndpoint(config);
  const checked = await egress.resolve(endpoint.host, endpoint.port);
  let tls: TlsConnectionOptions | undefined;
  if (endpoint.tls) {
    tls = config.tls ? tlsConnectionOptions(config.tls) : { rejectUnauthorized: true };
    if (!tls.servername && !isIP(endpoint.host)) tls = { ...tls, servername: endpoint.host };
  }
  return connect(
    { protocol: endpoint.tls ? 'amqps' : 'amqp', hostname: checked.address, port: endpoint.port, vhost: endpoint.vhost, username: endpoint.username, password: endpoint.password },
    { ...tls, timeout: Math.max(1, timeoutMs), clientProperties: { connection_name: 'async-testing-service' } },
  );
}

/**
 * amqplib's errors name the AMQP reply ("Handshake terminated by server: 403 (ACCESS-REFUSED) with
 * message \"ACCESS_REFUSED - Login was refused…\""); testers want the broker's own sentence and code.
 */
export function amqpErrorMessage(error: unknown): string {
  const e = error as { message?: string; code?: unknown } | undefined;
  const message = e?.message ?? String(error);
  const quoted = /with message "([^"]*)"/.exec(message);
  if (quoted) return quoted[1];
  if (e && typeof e.code === 'string' && !message.includes(e.code)) return `${message} (${e.code})`;
  return message;
}
