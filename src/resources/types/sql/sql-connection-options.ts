import type { ClientConfig } from 'pg';
import type { ConnectionOptions } from 'mysql2/promise';
import { tlsConnectionOptions } from '../common/resource-tls-options.dto';
import { SQL_DEFAULT_PORTS, type SqlResourceConfig } from './sql-resource-config.dto';

/**
 * Driver options for a SQL resource, shared by the connection test and the SQL step's pools so both
 * connect the same way.
 */
export function pgClientConfig(config: SqlResourceConfig, connectTimeoutMs: number): ClientConfig {
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
  };
}

export function mysqlConnectionOptions(config: SqlResourceConfig, connectTimeoutMs: number): ConnectionOptions {
  return {
    host: config.host,
    port: config.port ?? SQL_DEFAULT_PORTS.mysql,
    database: config.database,
    user: config.user,
    password: config.password ?? '',
    ssl: config.ssl ? tlsConnectionOptions(config.ssl) : undefined,
    connectTimeout: connectTimeoutMs,
  };
}
