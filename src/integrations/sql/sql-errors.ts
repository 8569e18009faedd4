import { PrivilegedSqlAccountError } from './sql-account-privileges';
import { StepError } from '../../steps/step-plugin';
import type { SqlDialect } from './sql-values';

export interface SqlErrorContext {
  dialect: SqlDialect;
  resourceName: string;
  readOnly: boolean;
  statementTimeoutMs: number;
  signal: AbortSignal;
}

interface DriverError {
  code?: string;
  errno?: number;
  message?: string;
  sqlMessage?: string;
  position?: string;
  detail?: string;
  hint?: string;
}

/**
 * A driver failure as a tester reads it: what happened, where (the resource name, never its
 * secrets), and what to change. The database's own message is kept, since it names the column or
 * table that is wrong.
 */
export function describeSqlError(error: unknown, ctx: SqlErrorContext): StepError {
  if (error instanceof StepError) return error;
  const on = `on resource "${ctx.resourceName}"`;
  if (error instanceof PrivilegedSqlAccountError) {
    return new StepError(`refused ${on}: ${error.explanation}`, { dialect: ctx.dialect, reason: 'privileged-account' });
  }
  if (ctx.signal.aborted) {
    return new StepError(`query cancelled ${on} (${reasonText(ctx.signal.reason)}); the database was told to stop it`, { reason: 'aborted' });
  }
  const e = (error ?? {}) as DriverError;
  const message = e.sqlMessage ?? e.message ?? String(error);
  const code = e.code ?? (e.errno !== undefined ? String(e.errno) : undefined);
  const details = { code, dialect: ctx.dialect };

  if (isReadOnlyViolation(e, ctx.dialect)) {
    return new StepError(
      `the database refused a write ${on}: ${message}. The resource does not allow writes, so queries run in a read-only transaction; set allowWrites on the resource to run writes`,
      { ...details, reason: 'read-only' },
    );
  }
  if (isStatementTimeout(e, ctx.dialect)) {
    return new StepError(`query exceeded the statement timeout of ${ctx.statementTimeoutMs} ms ${on} and was stopped by the database (statementTimeoutMs on the resource)`, {
      ...details,
      reason: 'statement-timeout',
    });
  }
  if (isConnectionFailure(e)) return new StepError(`cannot connect to the database ${on}: ${message}`, { ...details, reason: 'connection' });
  const position = e.position ? ` (at character ${e.position})` : '';
  const extra = [e.detail, e.hint].filter(Boolean).join(' ');
  return new StepError(`query failed ${on}: ${message}${position}${extra ? ` — ${extra}` : ''}`, details);
}

function isReadOnlyViolation(e: DriverError, dialect: SqlDialect): boolean {
  // 25006 read_only_sql_transaction; 1792 ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION.
  return dialect === 'postgres' ? e.code === '25006' : e.errno === 1792;
}

function isStatementTimeout(e: DriverError, dialect: SqlDialect): boolean {
  // 57014 is also "canceling statement due to user request" (our own cancel, handled above).
  if (dialect === 'postgres') return e.code === '57014' && /statement timeout/i.test(e.message ?? '');
  // 1969 MariaDB max_statement_time; 3024 MySQL max_execution_time.
  return e.errno === 1969 || e.errno === 3024;
}

function isConnectionFailure(e: DriverError): boolean {
  const codes = ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET', 'EAI_AGAIN', 'PROTOCOL_CONNECTION_LOST', '28P01', '28000', '3D000', 'ER_ACCESS_DENIED_ERROR', 'ER_BAD_DB_ERROR'];
  return (e.code !== undefined && codes.includes(e.code)) || /timeout exceeded when trying to connect|Connection terminated/i.test(e.message ?? '');
}

function reasonText(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason ?? 'aborted');
}
