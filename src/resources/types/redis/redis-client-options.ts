import type { RedisOptions } from 'ioredis';
import { tlsConnectionOptions } from '../common/resource-tls-options.dto';
import type { RedisResourceConfig } from './redis-resource-config.dto';

/** ioredis options for a Redis resource (host, port and db parsed from the URL when one is given). */
export function redisClientOptions(config: RedisResourceConfig): RedisOptions {
  let host = config.host;
  let port = config.port;
  let db = config.db;
  let tls = config.tls ? tlsConnectionOptions(config.tls) : undefined;
  if (config.url) {
    const url = new URL(config.url);
    host = url.hostname;
    port = url.port ? Number(url.port) : undefined;
    if (db === undefined && url.pathname.length > 1) db = Number(url.pathname.slice(1));
    if (url.protocol === 'rediss:' && !tls) tls = { rejectUnauthorized: true };
  }
  return { host, port: port ?? 6379, db: db ?? 0, username: config.username, password: config.password, tls };
}
