import { isIP } from 'node:net';
import { connect, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import { EgressRefusedError } from '../../egress/egress-refused.error';
import type { EgressService } from '../../egress/egress.service';
import { tlsConnectionOptions } from '../shared/resource-tls-options.dto';
import type { NatsResourceConfig } from './nats-resource-config.dto';
import { natsServers, type NatsServer } from './nats-servers';

export interface NatsConnectOptions {
  /** Handshake budget per server (TCP, INFO, CONNECT and the first PING/PONG). */
  timeoutMs: number;
  /** Pooled step connections reconnect (to the same checked address); a connection test does not. */
  reconnect: boolean;
  name?: string;
}

/** A server refused or unreachable: tells which one, in the server list's words. */
export class NatsConnectError extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'NatsConnectError';
  }
}

/**
 * Reconnects of a pooled connection: a few attempts at the one checked address, then the connection
 * closes and the pool opens a new one (which resolves and checks every server again).
 */
const RECONNECT = { maxReconnectAttempts: 3, reconnectTimeWait: 1_000 } as const;

/**
 * Connects to the first server of the resource that accepts, through the egress policy.
 *
 * The node transport dials `hostname:port` itself (no socket factory, no lookup hook), so every
 * server is resolved with `egress.resolve` first and the client is given the checked IP address;
 * a list holding one refused server is refused as a whole (as the Kafka brokers are), whichever
 * server would have been used. TLS keeps the configured host name as the server name.
 *
 * The client must not go anywhere else on its own either: a NATS server announces cluster members
 * in INFO (`connect_urls`) and the client would add and dial them — addresses the cluster chose,
 * not the tenant, and never checked. So each connection gets exactly one server, the checked
 * address, with `ignoreClusterUpdates` (announced servers are not added), `noRandomize` and
 * `resolve: false` (no DNS of its own); its reconnects can only go back to that address. When it
 * gives up, the connection closes and the next use opens a new one through this function.
 */
export async function connectNats(config: NatsResourceConfig, egress: EgressService, options: NatsConnectOptions): Promise<NatsConnection> {
  const servers = natsServers(config.servers);
  const checked: Array<{ server: NatsServer; address: string } | { server: NatsServer; error: unknown }> = [];
  for (const server of servers) {
    try {
      const { address } = await egress.resolve(server.host, server.port);
      checked.push({ server, address });
    } catch (error) {
      if (error instanceof EgressRefusedError) throw error;
      checked.push({ server, error }); // a name that does not resolve: the next server may do
    }
  }
  const failures: string[] = [];
  let lastError: unknown;
  for (const entry of checked) {
    if ('error' in entry) {
      failures.push(`${entry.server.entry}: ${(entry.error as Error).message}`);
      lastError = entry.error;
      continue;
    }
    try {
      return await connect(clientOptions(config, entry.server, entry.address, options));
    } catch (error) {
      // Every server shares the credentials: a refusal of them would repeat on the next one.
      if (isAuthError(error)) throw new NatsConnectError(`${entry.server.entry}: ${describeConnectFailure(error)}`, error);
      failures.push(`${entry.server.entry}: ${describeConnectFailure(error)}`);
      lastError = error;
    }
  }
  throw new NatsConnectError(failures.join('; '), lastError);
}

function clientOptions(config: NatsResourceConfig, server: NatsServer, address: string, options: NatsConnectOptions): NodeConnectionOptions {
  const wantsTls = server.tls || config.tls !== undefined;
  const base = config.tls ? tlsConnectionOptions(config.tls) : { rejectUnauthorized: true };
  const tls = wantsTls ? definedOnly({ ...base, servername: base.servername ?? (isIP(server.host) ? undefined : server.host) }) : null;
  return {
    servers: [`${isIP(address) === 6 ? `[${address}]` : address}:${server.port}`],
    // null: never upgrade to TLS unasked (a server only offering it); a server requiring it fails clearly.
    tls,
    user: config.user,
    pass: config.password,
    token: config.token,
    name: options.name ?? 'async-testing-service',
    timeout: options.timeoutMs,
    ignoreClusterUpdates: true,
    noRandomize: true,
    resolve: false,
    waitOnFirstConnect: false,
    reconnect: options.reconnect,
    ...(options.reconnect ? RECONNECT : {}),
  } as NodeConnectionOptions;
}

/** The node transport copies every key of `tls` over its defaults, undefined ones included. */
function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;
}

export function isAuthError(error: unknown): boolean {
  const e = error as { name?: string; message?: string } | undefined;
  return e?.name === 'AuthorizationError' || /authorization violation|authentication/i.test(e?.message ?? '');
}

/** The client's words, with what a tester needs to act on them. */
export function describeConnectFailure(error: unknown): string {
  const e = error as { name?: string; message?: string; code?: string; cause?: { code?: string; message?: string } } | undefined;
  if (isAuthError(error)) return 'authorization violation: the server refused the credentials (check user/password or token)';
  if (e?.name === 'TimeoutError' || e?.code === 'TIMEOUT') return 'timed out during the connection handshake';
  const cause = e?.cause?.code ?? e?.code;
  if (cause === 'ECONNREFUSED') return 'connection refused (is the server running on that port?)';
  return e?.message ?? String(error);
}
