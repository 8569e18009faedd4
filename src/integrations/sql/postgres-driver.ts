import pg from 'pg';
import { assertUnprivilegedSqlAccount } from './sql-account-privileges';
import { pgClientConfig } from './sql-connection-options';
import type { SqlResourceConfig } from './sql-resource-config.dto';
import { SqlAccountGate } from './sql-account-gate';
import { SQL_CANCEL_GRACE_MS, SQL_CONNECT_TIMEOUT_MS, type SqlDriver, type SqlDriverOptions, type SqlStatement, type SqlStatementOutcome } from './sql-driver';
import { untilAborted } from '../../steps/shared/until-aborted';

const OID = { date: 1082, timestamp: 1114, interval: 1186 } as const;

/**
 * Result types for this pool only (pg's global parsers are shared with TypeORM). int8 and numeric
 * already arrive as strings; timestamptz becomes a Date (then ISO-8601 UTC). Types without a zone are
 * not shifted through the worker's time zone: a `date` stays `YYYY-MM-DD`, a `timestamp` is read as
 * UTC (`2026-05-01T12:00:00.123456Z`, as the MySQL driver reads DATETIME), an interval stays text.
 */
export const PG_RESULT_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) => {
    if (oid === OID.date || oid === OID.interval) return (text: string) => text;
    if (oid === OID.timestamp) return (text: string) => (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(text) ? `${text.replace(' ', 'T')}Z` : text);
    return pg.types.getTypeParser(oid, format as 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * One pg.Pool per resource version. Every statement uses the extended protocol, which accepts exactly
 * one statement: `COMMIT; DELETE …` cannot step out of the read-only transaction. Read-only statements
 * run in `BEGIN READ ONLY … ROLLBACK`, so even `SET` changes made inside do not outlive the step.
 * Before the pool's first statement, its account is checked for privileges (see SqlAccountGate).
 */
export class PostgresDriver implements SqlDriver {
  readonly dialect = 'postgres' as const;
  private readonly clientConfig: pg.ClientConfig;
  private readonly pool: pg.Pool;
  private readonly gate: SqlAccountGate;

  constructor(settings: SqlResourceConfig, options: SqlDriverOptions) {
    this.gate = new SqlAccountGate(options.allowPrivileged);
    this.clientConfig = pgClientConfig(settings, SQL_CONNECT_TIMEOUT_MS, options.egress);
    this.pool = new pg.Pool({ ...this.clientConfig, max: settings.poolSize, idleTimeoutMillis: 30_000, types: PG_RESULT_TYPES });
    // An idle client losing its connection is dropped by the pool; without a listener it would crash the worker.
    this.pool.on('error', () => undefined);
  }

  async execute(statement: SqlStatement): Promise<SqlStatementOutcome> {
    this.gate.throwIfRefused();
    const client = await this.checkout(statement.signal);
    const work = this.run(client, statement);
    let cancelling: Promise<void> | undefined;
    try {
      const outcome = await untilAborted(work, statement.signal, () => {
        cancelling = this.cancel(client, work);
      });
      client.release();
      return outcome;
    } catch (error) {
      if (cancelling) await cancelling; // it destroys the connection once the statement stopped
      // The server's answer to the statement leaves the session clean (rolled back); anything else
      // (socket closed, protocol error) leaves it unusable.
      else client.release(error instanceof pg.DatabaseError ? undefined : true);
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async checkout(signal: AbortSignal): Promise<pg.PoolClient> {
    const connecting = this.pool.connect();
    try {
      return await untilAborted(connecting, signal);
    } catch (error) {
      if (signal.aborted) void connecting.then((client) => client.release(), () => undefined);
      throw error;
    }
  }

  private async run(client: pg.PoolClient, statement: SqlStatement): Promise<SqlStatementOutcome> {
    // A plain SELECT on the pooled connection, before the step's statement touches the session.
    await this.gate.pass(() => assertUnprivilegedSqlAccount('postgres', async (sql) => (await client.query(sql)).rows));
    if (!statement.readOnly) return streamRows(client, statement);
    await client.query('BEGIN READ ONLY');
    let outcome: SqlStatementOutcome;
    try {
      outcome = await streamRows(client, statement);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    await client.query('ROLLBACK');
    return outcome;
  }

  /** Asks the server to cancel the backend's statement, waits for it to stop, else destroys the connection. */
  private async cancel(client: pg.PoolClient, work: Promise<unknown>): Promise<void> {
    const pid = (client as unknown as { processID: number | null }).processID;
    const stopped = work.then(
      () => true,
      () => true,
    );
    if (pid !== null) {
      const canceller = new pg.Client(this.clientConfig);
      canceller.on('error', () => undefined);
      await canceller
        .connect()
        .then(() => canceller.query('SELECT pg_cancel_backend($1)', [pid]))
        .catch(() => undefined)
        .finally(() => canceller.end().catch(() => undefined));
    }
    await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, SQL_CANCEL_GRACE_MS).unref())]);
    client.release(true);
  }
}

/** Runs the statement keeping at most `maxRows` rows in memory (pg does not accumulate rows when a 'row' listener is attached). */
function streamRows(client: pg.PoolClient, statement: SqlStatement): Promise<SqlStatementOutcome> {
  return new Promise((resolve, reject) => {
    const query = new pg.Query({ text: statement.text, values: statement.values, queryMode: 'extended' } as pg.QueryConfig);
    const rows: Array<Record<string, unknown>> = [];
    let seen = 0;
    query.on('row', (row: Record<string, unknown>) => {
      seen++;
      if (rows.length < statement.maxRows) rows.push(row);
    });
    query.on('error', reject);
    query.on('end', (result: pg.QueryResult) => {
      resolve({
        rows,
        columns: (result.fields ?? []).map((field) => field.name),
        rowCount: seen > 0 || result.rowCount === null ? seen : result.rowCount,
        truncated: seen > statement.maxRows,
      });
    });
    client.query(query);
  });
}
