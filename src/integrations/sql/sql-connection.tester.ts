import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import type { ConnectionTestContext, ResourceConnectionTester } from '../../resources/resource-type';
import { ResourceType } from '../../resources/resource-type.decorator';
import { assertUnprivilegedSqlAccount } from './sql-account-privileges';
import { mysqlConnectionOptions, pgClientConfig, sqlEgressTargets } from './sql-connection-options';
import { SQL_SECRETS, SqlResourceConfig } from './sql-resource-config.dto';

@ResourceType({
  type: 'sql',
  description: 'PostgreSQL or MySQL/MariaDB database for SQL steps (read-only unless allowWrites)',
  config: SqlResourceConfig,
  secrets: SQL_SECRETS,
  addressFields: ['engine', 'host', 'port', 'database'],
  egressTargets: (config) => sqlEgressTargets(config as SqlResourceConfig),
  example: { engine: 'postgres', host: 'orders-db.internal', port: 5432, database: 'orders', user: 'qa_reader', password: 'change-me', allowWrites: false },
})
@Injectable()
export class SqlConnectionTester implements ResourceConnectionTester<SqlResourceConfig> {
  constructor(private readonly appConfig: AppConfig) {}

  test(config: SqlResourceConfig, ctx: ConnectionTestContext): Promise<Record<string, unknown>> {
    return config.engine === 'postgres' ? this.testPostgres(config, ctx) : this.testMysql(config, ctx);
  }

  private async testPostgres(config: SqlResourceConfig, { signal, timeoutMs, egress }: ConnectionTestContext): Promise<Record<string, unknown>> {
    const client = new Client(pgClientConfig(config, timeoutMs, egress));
    // Without a listener, a connection error after the test gave up would crash the process.
    client.on('error', () => undefined);
    const abort = () => void client.end().catch(() => undefined);
    signal.addEventListener('abort', abort, { once: true });
    try {
      await client.connect();
      const result = await client.query<{ ok: number; version: string }>('SELECT 1 AS ok, current_setting(\'server_version\') AS version');
      // The same refusal as the sql step's, so a privileged account fails here before any flow uses it.
      if (!this.appConfig.SQL_ALLOW_PRIVILEGED) await assertUnprivilegedSqlAccount('postgres', async (sql) => (await client.query(sql)).rows);
      return { serverVersion: result.rows[0].version };
    } finally {
      signal.removeEventListener('abort', abort);
      await client.end().catch(() => undefined);
    }
  }

  private async testMysql(config: SqlResourceConfig, { signal, timeoutMs, egress }: ConnectionTestContext): Promise<Record<string, unknown>> {
    const connection = await createConnection(mysqlConnectionOptions(config, timeoutMs, egress));
    const abort = () => connection.destroy();
    signal.addEventListener('abort', abort, { once: true });
    try {
      const [rows] = await connection.query('SELECT 1 AS ok, VERSION() AS version');
      // May SET ROLE: fine, this connection is closed right after.
      if (!this.appConfig.SQL_ALLOW_PRIVILEGED) await assertUnprivilegedSqlAccount('mysql', async (sql) => (await connection.query(sql))[0] as Array<Record<string, unknown>>);
      return { serverVersion: (rows as Array<{ version: string }>)[0].version };
    } finally {
      signal.removeEventListener('abort', abort);
      await connection.end().catch(() => connection.destroy());
    }
  }
}
