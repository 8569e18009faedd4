import mysql from 'mysql2';
import { assertUnprivilegedSqlAccount } from './sql-account-privileges';
import { mysqlConnectionOptions } from './sql-connection-options';
import type { SqlResourceConfig } from './sql-resource-config.dto';
import { SqlAccountGate } from './sql-account-gate';
import { SQL_CANCEL_GRACE_MS, SQL_CONNECT_TIMEOUT_MS, type SqlDriver, type SqlDriverOptions, type SqlStatement, type SqlStatementOutcome } from './sql-driver';
import { untilAborted } from '../../steps/shared/until-aborted';

type Flavour = 'mariadb' | 'mysql';

/**
 * One mysql2 pool per resource version (MySQL or MariaDB). Statements run as server-side prepared
 * statements (`execute`: values bound by the server, one statement only). Before each statement the
 * session gets the resource's statement timeout and access mode again, since the previous user of
 * the pooled connection may have changed them; read-only statements additionally run in
 * `START TRANSACTION READ ONLY … ROLLBACK`. The session access mode matters on its own: DDL commits
 * the open transaction implicitly and would run outside it, but a read-only session refuses it.
 * Before the pool's first statement, its account is checked for privileges (see SqlAccountGate).
 */
export class MysqlDriver implements SqlDriver {
  readonly dialect = 'mysql' as const;
  private readonly options: mysql.PoolOptions;
  private readonly pool: mysql.Pool;
  private flavour?: Promise<Flavour>;
  private readonly gate: SqlAccountGate;

  constructor(
    private readonly settings: SqlResourceConfig,
    options: SqlDriverOptions,
  ) {
    this.gate = new SqlAccountGate(options.allowPrivileged);
    this.options = {
      ...(mysqlConnectionOptions(settings, SQL_CONNECT_TIMEOUT_MS, options.egress) as mysql.ConnectionOptions),
      // Big integers and decimals as exact strings; DATE as `YYYY-MM-DD`; DATETIME/TIMESTAMP as Dates
      // read in UTC (the session time zone below), converted to ISO-8601 by the step.
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: ['DATE'],
      timezone: 'Z',
      multipleStatements: false,
      connectionLimit: settings.poolSize,
      maxIdle: settings.poolSize,
      idleTimeout: 30_000,
      maxPreparedStatements: 64,
    };
    this.pool = mysql.createPool(this.options);
    this.pool.on('connection', (connection) => {
      // Queued before the connection's first statement; a failure surfaces there as a broken connection.
      connection.query("SET time_zone = '+00:00'", () => undefined);
    });
  }

  async execute(statement: SqlStatement): Promise<SqlStatementOutcome> {
    await untilAborted(this.gate.pass(() => this.checkAccount()), statement.signal);
    const connection = await this.checkout(statement.signal);
    const work = this.run(connection, statement);
    let cancelling: Promise<void> | undefined;
    try {
      const outcome = await untilAborted(work, statement.signal, () => {
        cancelling = this.cancel(connection, work);
      });
      connection.release();
      return outcome;
    } catch (error) {
      if (cancelling) await cancelling;
      else if (isServerError(error)) connection.release();
      else connection.destroy();
      throw error;
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.pool.end(() => resolve()));
  }

  /** On a connection of its own: the check may SET ROLE, which must not stay on a pooled session. */
  private async checkAccount(): Promise<void> {
    const connection = mysql.createConnection({ ...this.options, connectionLimit: undefined } as mysql.ConnectionOptions);
    connection.on('error', () => undefined);
    try {
      await assertUnprivilegedSqlAccount('mysql', (sql) => rowsOf(connection, sql));
    } finally {
      connection.destroy();
    }
  }

  private checkout(signal: AbortSignal): Promise<mysql.PoolConnection> {
    const connecting = new Promise<mysql.PoolConnection>((resolve, reject) => {
      this.pool.getConnection((error, connection) => (error ? reject(error) : resolve(connection)));
    });
    return untilAborted(connecting, signal).catch((error: unknown) => {
      if (signal.aborted) void connecting.then((connection) => connection.release(), () => undefined);
      throw error;
    });
  }

  private async run(connection: mysql.PoolConnection, statement: SqlStatement): Promise<SqlStatementOutcome> {
    const flavour = await this.detectFlavour(connection);
    await command(connection, sessionSettings(flavour, this.settings.statementTimeoutMs, statement.readOnly));
    if (!statement.readOnly) return streamRows(connection, statement);
    await command(connection, 'START TRANSACTION READ ONLY');
    let outcome: SqlStatementOutcome;
    try {
      outcome = await streamRows(connection, statement);
    } catch (error) {
      await command(connection, 'ROLLBACK').catch(() => undefined);
      throw error;
    }
    await command(connection, 'ROLLBACK');
    return outcome;
  }

  /** MariaDB and MySQL name the statement timeout differently (and count it in seconds vs milliseconds). */
  private detectFlavour(connection: mysql.PoolConnection): Promise<Flavour> {
    this.flavour ??= new Promise<Flavour>((resolve, reject) => {
      connection.query('SELECT VERSION() AS version', (error, rows) => {
        if (error) return reject(error);
        const version = String((rows as Array<{ version: string }>)[0]?.version ?? '');
        resolve(/mariadb/i.test(version) ? 'mariadb' : 'mysql');
      });
    });
    // A failed detection is retried by the next statement.
    return this.flavour.catch((error: unknown) => {
      this.flavour = undefined;
      throw error;
    });
  }

  /** `KILL QUERY` from a separate connection, then waits for the statement to stop, else destroys the connection. */
  private async cancel(connection: mysql.PoolConnection, work: Promise<unknown>): Promise<void> {
    const stopped = work.then(
      () => true,
      () => true,
    );
    const threadId = connection.threadId;
    if (threadId) {
      const killer = mysql.createConnection({ ...this.options, connectionLimit: undefined } as mysql.ConnectionOptions);
      killer.on('error', () => undefined);
      await command(killer, `KILL QUERY ${Number(threadId)}`).catch(() => undefined);
      killer.destroy();
    }
    await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, SQL_CANCEL_GRACE_MS).unref())]);
    connection.destroy();
  }
}

function sessionSettings(flavour: Flavour, statementTimeoutMs: number, readOnly: boolean): string {
  const ms = Math.max(1, Math.round(statementTimeoutMs));
  // MySQL's max_execution_time only limits SELECT; MariaDB's max_statement_time limits every statement.
  return flavour === 'mariadb'
    ? `SET SESSION max_statement_time = ${ms / 1000}, SESSION tx_read_only = ${readOnly ? 1 : 0}`
    : `SET SESSION max_execution_time = ${ms}, SESSION transaction_read_only = ${readOnly ? 1 : 0}`;
}

function rowsOf(connection: mysql.Connection, sql: string): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve, reject) => connection.query(sql, (error, rows) => (error ? reject(error) : resolve(rows as Array<Record<string, unknown>>))));
}

function command(connection: mysql.Connection | mysql.PoolConnection, sql: string): Promise<void> {
  return new Promise((resolve, reject) => connection.query(sql, (error) => (error ? reject(error) : resolve())));
}

/**
 * Runs the statement as a prepared statement, keeping at most `maxRows` rows (without a callback,
 * mysql2 emits rows instead of collecting them). mysql2 may emit `end` after `error`: settle once.
 */
function streamRows(connection: mysql.PoolConnection, statement: SqlStatement): Promise<SqlStatementOutcome> {
  return new Promise((resolve, reject) => {
    const rows: Array<Record<string, unknown>> = [];
    let columns: string[] = [];
    let seen = 0;
    let affected: number | undefined;
    let settled = false;
    const execution = connection.execute(statement.text, statement.values.map(toMysqlValue) as mysql.ExecuteValues);
    execution.on('fields', (fields: Array<{ name: string }> | undefined) => {
      columns = (fields ?? []).map((field) => field.name);
    });
    execution.on('result', (row: Record<string, unknown> | { affectedRows: number; constructor: { name: string } }) => {
      if (isResultHeader(row)) {
        affected = row.affectedRows;
        return;
      }
      seen++;
      if (rows.length < statement.maxRows) rows.push(row);
    });
    execution.on('error', (error: Error) => {
      if (settled) return;
      settled = true;
      reject(error);
    });
    execution.on('end', () => {
      if (settled) return;
      settled = true;
      resolve({ rows, columns, rowCount: seen > 0 || affected === undefined ? seen : affected, truncated: seen > statement.maxRows });
    });
  });
}

function isResultHeader(value: unknown): value is { affectedRows: number } {
  return value !== null && typeof value === 'object' && value.constructor?.name === 'ResultSetHeader';
}

/** Prepared statements bind scalars; objects and arrays (a JSON parameter) are sent as JSON text. */
function toMysqlValue(value: unknown): unknown {
  return value !== null && typeof value === 'object' ? JSON.stringify(value) : value;
}

/** An error the server answered with (the connection is still in a known state). */
function isServerError(error: unknown): boolean {
  const e = error as { errno?: unknown; fatal?: unknown };
  return typeof e?.errno === 'number' && e.fatal !== true;
}
