import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { EgressService } from '../../egress/egress.service';
import { AppConfig } from '../../config/app-config';
import type { ClientPool } from '../../resources/client-pool';
import { StepClientPools } from '../../steps/step-client-pools';
import type { StepContext, StepResource, StepRunner } from '../../steps/step-plugin';
import { StepPlugin } from '../../steps/step-plugin.decorator';
import { MysqlDriver } from './mysql-driver';
import { PostgresDriver } from './postgres-driver';
import { checkSqlStepConfig } from './sql-config-checks';
import { sqlResourceSettings, type SqlDriver } from './sql-driver';
import { describeSqlError } from './sql-errors';
import { SQL_DEFAULT_MAX_ROWS, SqlStepConfig, type SqlStepResult } from './sql-step.config';
import { toJsonSafeRows, toNamedParameters } from './sql-values';
import { SqlResourceConfig } from './sql-resource-config.dto';

@StepPlugin({
  type: 'sql',
  description:
    'Runs one SQL statement on a PostgreSQL or MySQL/MariaDB resource with named, driver-bound parameters (`:name`). Without allowWrites on the resource the statement runs in a read-only transaction, so the database refuses writes. Privileged database accounts (superuser, FILE, …) are refused unless the deployment sets SQL_ALLOW_PRIVILEGED.',
  config: SqlStepConfig,
  resource: SqlResourceConfig,
  validateRaw: checkSqlStepConfig,
  resultSchema: {
    type: 'object',
    properties: {
      rows: {
        type: 'array',
        items: { type: 'object', additionalProperties: true },
        description: 'Column → value; BIGINT/NUMERIC/DECIMAL as strings, timestamps as ISO-8601, DATE as YYYY-MM-DD, binary as base64',
      },
      rowCount: { type: 'integer', description: 'Rows returned (also beyond maxRows), or rows affected by INSERT/UPDATE/DELETE' },
      columns: { type: 'array', items: { type: 'string' } },
      truncated: { type: 'boolean', description: 'More rows than maxRows were returned; only maxRows are kept' },
      executionTimeMs: { type: 'integer' },
    },
    required: ['rows', 'rowCount', 'columns', 'truncated', 'executionTimeMs'],
  },
})
@Injectable()
export class SqlStep implements StepRunner<SqlStepConfig, SqlStepResult, SqlResourceConfig>, OnModuleDestroy {
  private readonly drivers: ClientPool<SqlDriver, StepResource<SqlResourceConfig>>;

  constructor(pools: StepClientPools, appConfig: AppConfig, egress: EgressService) {
    const options = { allowPrivileged: appConfig.SQL_ALLOW_PRIVILEGED, egress };
    this.drivers = pools.create<SqlDriver, SqlResourceConfig>({
      create: (resource) => {
        const settings = sqlResourceSettings(resource.config);
        return settings.engine === 'postgres' ? new PostgresDriver(settings, options) : new MysqlDriver(settings, options);
      },
      close: (driver) => driver.close(),
    });
  }

  async run(ctx: StepContext<SqlStepConfig, SqlResourceConfig>): Promise<SqlStepResult> {
    const resource = ctx.resource;
    const settings = sqlResourceSettings(resource.config);
    const dialect = settings.engine === 'postgres' ? 'postgres' : 'mysql';
    const bound = toNamedParameters(ctx.config.query, ctx.config.parameters, dialect);
    const maxRows = ctx.config.maxRows ?? SQL_DEFAULT_MAX_ROWS;
    const started = performance.now();
    const lease = await this.drivers.acquire(resource);
    try {
      const outcome = await lease.client.execute({ text: bound.text, values: bound.values, readOnly: !settings.allowWrites, maxRows, signal: ctx.signal });
      return {
        rows: toJsonSafeRows(outcome.rows),
        rowCount: outcome.rowCount,
        columns: outcome.columns,
        truncated: outcome.truncated,
        executionTimeMs: Math.round(performance.now() - started),
      };
    } catch (error) {
      throw describeSqlError(error, {
        dialect,
        resourceName: resource.name,
        readOnly: !settings.allowWrites,
        statementTimeoutMs: settings.statementTimeoutMs,
        signal: ctx.signal,
      });
    } finally {
      lease.release();
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.drivers.closeAll();
  }
}
