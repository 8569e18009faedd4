import { isIP } from 'node:net';
import type { RedisOptions } from 'ioredis';
import type { EgressService } from '../../egress/egress.service';
import type { ResourceEgressTarget } from '../../resources/resource-type';
import { tlsConnectionOptions } from '../shared/resource-tls-options.dto';
import type { RedisResourceConfig } from './redis-resource-config.dto';

/** Host, port and db of a Redis resource (parsed from the URL when one is given). */
function redisEndpoint(config: RedisResourceConfig): { host: string; port: number; db?: number; field: string; tlsFromUrl: boolean } {
  if (config.url) {
    const url = new URL(config.url);
    const db = config.db ?? (url.pathname.length > 1 ? Number(url.pathname.slice(1)) : undefined);
    return { host: url.hostname, port: url.port ? Number(url.port) : 6379, db, field: 'url', tlsFromUrl: url.protocol === 'rediss:' };
  }
  return { host: config.host ?? 'localhost', port: config.port ?? 6379, db: config.db, field: 'host', tlsFromUrl: false };
}

/**
 * ioredis options for a Redis resource. ioredis cannot take a `lookup` or a socket factory, so the host
 * is resolved through the egress gate first and the client connects to the checked address (its
 * reconnects too); TLS keeps the host name as servername.
 */
export async function redisClientOptions(config: RedisResourceConfig, egress: EgressService): Promise<RedisOptions> {
  const endpoint = redisEndpoint(config);
  let tls = config.tls ? tlsConnectionOptions(config.tls) : undefined;
  if (endpoint.tlsFromUrl && !tls) tls = { rejectUnauthorized: true };
  const checked = await egress.resolve(endpoint.host, endpoint.port);
  if (tls && !tls.servername && !isIP(endpoint.host)) tls = { ...tls, servername: endpoint.host };
  return { host: checked.address, family: checked.family, port: endpoint.port, db: endpoint.db ?? 0, username: config.username, password: config.password, tls };
}

/** The server endpoint, for the resource type's save-time egress check. */
export function redisEgressTargets(config: RedisResourceConfig): ResourceEgressTarget[] {
  const { field, host, port } = redisEndpoint(config);
  return [{ field, host, port }];
}
