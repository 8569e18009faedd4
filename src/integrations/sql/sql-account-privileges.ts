import { grantedMysqlRoles, privilegedMysqlGrants } from './mysql-grants';
import type { SqlEngine } from './sql-resource-config.dto';

/**
 * Privileged database accounts break the promise that a SQL step without allowWrites only reads:
 * a read-only transaction does not stop Postgres `COPY … TO PROGRAM` (a shell on the database host),
 * `pg_read_file`, or MariaDB `INTO OUTFILE`, `LOAD_FILE`, `SET GLOBAL` — they need no write to a
 * table, only the privilege. So the connection test and the SQL step refuse such accounts unless the
 * operator allows them (SQL_ALLOW_PRIVILEGED=true).
 */

/** Runs one statement on the account's connection and returns its rows. */
export type SqlRowsQuery = (sql: string) => Promise<Array<Record<string, unknown>>>;

export interface SqlAccountFindings {
  user: string;
  /** Why the account is privileged (empty: it is not). */
  reasons: string[];
}

const WHAT_TO_USE: Record<SqlEngine, string> = {
  postgres: 'an account without superuser, CREATEROLE, pg_execute_server_program, pg_read_server_files or pg_write_server_files, also through granted roles',
  mysql:
    'an account without server-wide administrative privileges (FILE, SUPER, PROCESS, SHUTDOWN, RELOAD, CREATE USER, GRANT OPTION or ALL PRIVILEGES on *.*, … ADMIN) and without access to the mysql, performance_schema and sys schemas: grant privileges on the tested databases only',
};

export class PrivilegedSqlAccountError extends Error {
  /** The refusal without the leading `refused: `, for callers that say where it happened. */
  readonly explanation: string;

  constructor(engine: SqlEngine, findings: SqlAccountFindings) {
    const explanation = `database user "${findings.user}" ${findings.reasons.join('; ')}; SQL steps must use ${WHAT_TO_USE[engine]} (or the operator sets SQL_ALLOW_PRIVILEGED=true)`;
    super(`refused: ${explanation}`);
    this.name = 'PrivilegedSqlAccountError';
    this.explanation = explanation;
  }
}

/** Throws PrivilegedSqlAccountError when the connected account is privileged. */
export async function assertUnprivilegedSqlAccount(engine: SqlEngine, query: SqlRowsQuery): Promise<void> {
  const findings = engine === 'postgres' ? await postgresAccountFindings(query) : await mysqlAccountFindings(query);
  if (findings.reasons.length) throw new PrivilegedSqlAccountError(engine, findings);
}

/**
 * Superuser, membership (direct or inherited, usable through SET ROLE) in a superuser role or in the
 * predefined roles that reach the host's programs and files, and CREATEROLE: before PostgreSQL 16 a
 * CREATEROLE role may grant itself any non-superuser role, pg_execute_server_program included, and
 * on every version it creates login roles that outlive the resource. Roles missing from an older
 * server are simply not found.
 */
const POSTGRES_ACCOUNT_QUERY = `
SELECT r.rolname AS "user", r.rolsuper AS superuser, r.rolcreaterole AS createrole,
  ARRAY(SELECT s.rolname::text FROM pg_roles s WHERE s.rolsuper AND s.oid <> r.oid AND pg_has_role(r.oid, s.oid, 'MEMBER') ORDER BY 1) AS superuser_roles,
  ARRAY(SELECT p.rolname::text FROM pg_roles p
        WHERE p.rolname IN ('pg_execute_server_program', 'pg_read_server_files', 'pg_write_server_files') AND pg_has_role(r.oid, p.oid, 'MEMBER') ORDER BY 1) AS server_roles
FROM pg_roles r WHERE r.rolname = session_user`;

export async function postgresAccountFindings(query: SqlRowsQuery): Promise<SqlAccountFindings> {
  const [account] = (await query(POSTGRES_ACCOUNT_QUERY)) as Array<{ user: string; superuser: boolean; createrole: boolean; superuser_roles: string[]; server_roles: string[] }>;
  if (!account) throw new Error('cannot read the privileges of the database user (pg_roles has no row for session_user)');
  // A superuser can do everything else too; listing the rest would only bury the point.
  if (account.superuser) return { user: account.user, reasons: ['is a superuser'] };
  const reasons: string[] = [];
  if (account.superuser_roles.length) reasons.push(`is a member of the superuser role${plural(account.superuser_roles)} ${quoteAll(account.superuser_roles)} (it can SET ROLE to it)`);
  if (account.server_roles.length) reasons.push(`is a member of ${account.server_roles.join(', ')}`);
  if (account.createrole) reasons.push('has CREATEROLE (it can create roles, and before PostgreSQL 16 grant itself pg_execute_server_program)');
  return { user: account.user, reasons };
}

/** Roles looked at beyond the account's own grants; a test account has a handful at most. */
const MAX_MYSQL_ROLES = 20;

/**
 * `SHOW GRANTS FOR CURRENT_USER()` plus the grants of every role granted to the account (it may
 * `SET ROLE` to any of them). MariaDB shows a role's grants, nested roles included, once the role is
 * active, so this changes the session's role: run it on a connection of its own. MySQL 8 expands
 * roles with `USING`.
 */
export async function mysqlAccountFindings(query: SqlRowsQuery): Promise<SqlAccountFindings> {
  const [identity] = (await query('SELECT CURRENT_USER() AS user, VERSION() AS version')) as Array<{ user: string; version: string }>;
  const mariadb = /mariadb/i.test(String(identity?.version ?? ''));
  const own = grantLines(await query('SHOW GRANTS FOR CURRENT_USER()'));
  const reasons = privilegedMysqlGrants(own);
  // Only names quoted as the server prints them go back into SQL.
  const roles = grantedMysqlRoles(own).filter((role) => /^`(?:[^`]|``)+`(?:@`(?:[^`]|``)*`)?$/.test(role));
  for (const role of roles.slice(0, MAX_MYSQL_ROLES)) {
    let lines: string[];
    if (mariadb) {
      await query(`SET ROLE ${role}`);
      lines = grantLines(await query('SHOW GRANTS'));
    } else {
      lines = grantLines(await query(`SHOW GRANTS FOR CURRENT_USER() USING ${role}`));
    }
    reasons.push(...privilegedMysqlGrants(lines.filter((line) => !own.includes(line)), role));
  }
  return { user: String(identity?.user ?? 'unknown'), reasons: [...new Set(reasons)] };
}

/** SHOW GRANTS answers one column named after the account (`Grants for qa@%`). */
function grantLines(rows: Array<Record<string, unknown>>): string[] {
  return rows.map((row) => String(Object.values(row)[0] ?? ''));
}

function plural(items: string[]): string {
  return items.length > 1 ? 's' : '';
}

function quoteAll(names: string[]): string {
  return names.map((name) => `"${name}"`).join(', ');
}
