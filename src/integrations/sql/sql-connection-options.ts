import type { ClientConfig } from 'pg';
import type { ConnectionOptions } from 'mysql2/promise';
import type { EgressService } from '../../egress/egress.service';
import type { ResourceEgressTarget } from '../../resources/resource-type';
import { tlsConnectionOptions } from '../shared/resource-tls-options.dto';
import { SQL_DEFAULT_PORTS, type SqlResourceConfig } from './sql-resource-config.dto';

/**
 * Driver options for a SQL resource, shared by the connection test and the SQL step's pools so both
 * connect the same way — through the egress gate: pg and mysql2 take their sockets from `stream`
 * factories that check every connection (pools' later ones, cancel connections) against the policy
 * after DNS resolution. pg keeps the host name for TLS (servername) since it connects by name.
 */
export function pgClientConfig(config: SqlResourceConfig, connectTimeoutMs: number, egress: EgressService): ClientConfig {
  return {
    host: config.host,
    port: config.port ?? SQL_DEFAULT_PORTS.postgres,
    database: config.database,
    user: config.user,
    password: config.password,
    ssl: config.ssl ? tlsConnectionOptions(config.ssl) : false,
    connectionTimeoutMillis: connectTimeoutMs,
    statement_timeout: config.statementTimeoutMs,
    application_name: 'async-testing-service',
    stream: () => egress.socket(),
  };
}

export function mysqlConnectionOptions(config: SqlResourceConfig, connectTimeoutMs: number, egress: EgressService): ConnectionOptions {
  const host = config.host;
  const port = config.port ?? SQL_DEFAULT_PORTS.mysql;
  return {
    host,
    port,
    database: config.database,
    user: config.user,
    password: config.password ?? '',
    ssl: config.ssl ? tlsConnectionOptions(config.ssl) : undefined,
    connectTimeout: connectTimeoutMs,
    // mysql2 calls this for every connection and upgrades the socket to TLS itself (servername = host).
    stream: () => egress.connect({ host, port }),
  };
}

/** The database endpoint, for the resource type's save-time egress check. */
export function sqlEgressTargets(config: SqlResourceConfig): ResourceEgressTarget[] {
  return [{ field: 'host', host: config.host, port: config.port ?? SQL_DEFAULT_PORTS[config.engine] }];
}
