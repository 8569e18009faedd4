import type { EgressService } from '../../egress/egress.service';
import type { SqlResourceConfig } from './sql-resource-config.dto';
import type { SqlDialect } from './sql-values';

/** One statement as the step hands it to a driver: placeholders already in the driver's syntax. */
export interface SqlStatement {
  text: string;
  values: unknown[];
  /** Run inside a read-only transaction, so the database itself refuses writes. */
  readOnly: boolean;
  /** Rows beyond this are counted, not kept (memory stays bounded whatever the query returns). */
  maxRows: number;
  /** Aborting cancels the statement on the server and rejects. */
  signal: AbortSignal;
}

export interface SqlStatementOutcome {
  rows: Array<Record<string, unknown>>;
  columns: string[];
  rowCount: number;
  truncated: boolean;
}

export interface SqlDriverOptions {
  /** SQL_ALLOW_PRIVILEGED: skip the privileged-account check. */
  allowPrivileged: boolean;
  /** Every connection of the driver's pool goes through the egress policy. */
  egress: EgressService;
}

/** A pooled connection to one resource version (pg.Pool or mysql2 pool), kept by the step's ClientPool. */
export interface SqlDriver {
  readonly dialect: SqlDialect;
  execute(statement: SqlStatement): Promise<SqlStatementOutcome>;
  close(): Promise<void>;
}

/** Connecting (or waiting for a free pooled connection) longer than this fails the step. */
export const SQL_CONNECT_TIMEOUT_MS = 10_000;
/** After a cancel request, how long the statement may take to stop before its connection is destroyed. */
export const SQL_CANCEL_GRACE_MS = 2_000;

/** The resource config with the defaults its DTO declares (a stored config may predate a default). */
export function sqlResourceSettings(config: SqlResourceConfig): SqlResourceConfig {
  const c: Partial<SqlResourceConfig> = config;
  return {
    ...config,
    allowWrites: c.allowWrites === true,
    poolSize: c.poolSize ?? 5,
    statementTimeoutMs: c.statementTimeoutMs ?? 30_000,
  };
}
