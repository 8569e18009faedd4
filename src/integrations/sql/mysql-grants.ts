/**
 * Reads `SHOW GRANTS` lines of MySQL/MariaDB and says which of them make an account privileged:
 * able to reach the database host (FILE: INTO OUTFILE, LOAD_FILE), administer the server (SUPER,
 * SET GLOBAL, SHUTDOWN, KILL of other sessions), see other sessions' statements (PROCESS), or grant
 * itself more (CREATE USER, GRANT OPTION, PROXY, writes to the `mysql` schema). A tenant's SQL steps
 * must not run with such an account: the read-only transaction does not stop any of these.
 */

/** One parsed `GRANT … ON … TO …` line, or a role grant (`GRANT role TO user`, no ON). */
export interface MysqlGrant {
  /** Upper-case privilege names, column lists dropped (`SELECT (a, b)` → `SELECT`). */
  privileges: string[];
  /** Unquoted database name or name pattern, `*` for global grants; undefined for a role grant. */
  database?: string;
  /** Unquoted table or routine name, `*` for a whole database. */
  object?: string;
  withGrantOption: boolean;
  /** Role names as the server quoted them (`` `reader` `` or `` `reader`@`%` ``), for a role grant. */
  roles: string[];
}

/**
 * Privileges that only exist server-wide and administer the server or its host. Any privilege named
 * `… ADMIN` / `…_ADMIN` (MariaDB 10.5+ `BINLOG ADMIN`, MySQL 8 `SYSTEM_VARIABLES_ADMIN`) counts too.
 */
const ADMINISTRATIVE = new Set([
  'ALL PRIVILEGES',
  'SUPER',
  'FILE',
  'SHUTDOWN',
  'PROCESS',
  'RELOAD',
  'CREATE USER',
  'CREATE TABLESPACE',
  'REPLICATION SLAVE',
  'BINLOG REPLAY',
  'PROXY',
  'SET USER',
  'SET_USER_ID',
  'SET_ANY_DEFINER',
  'SYSTEM_USER',
]);

/** Privileges on tables and routines; on a system schema they read password hashes or rewrite accounts. */
const SCHEMA_ACCESS = new Set([
  'ALL PRIVILEGES', 'SELECT', 'INSERT', 'UPDATE', 'DELETE', 'CREATE', 'DROP', 'REFERENCES', 'INDEX', 'ALTER', 'CREATE VIEW', 'SHOW VIEW',
  'TRIGGER', 'DELETE HISTORY', 'EXECUTE', 'CREATE ROUTINE', 'ALTER ROUTINE', 'EVENT', 'LOCK TABLES', 'CREATE TEMPORARY TABLES',
]);

/** Schemas that hold accounts, password hashes and other sessions' statements. */
const SYSTEM_SCHEMAS = ['mysql', 'performance_schema', 'sys'];

export function parseMysqlGrant(line: string): MysqlGrant | undefined {
  const text = line.trim();
  if (!/^GRANT\s/i.test(text)) return undefined;
  const body = text.slice(5).trimStart();
  const on = indexOfKeyword(body, 'ON');
  const to = indexOfKeyword(body, 'TO');
  if (to < 0) return undefined;
  const withGrantOption = /\bWITH\s+GRANT\s+OPTION\b/i.test(text.slice(5 + to));
  if (on < 0 || on > to) {
    return { privileges: [], withGrantOption, roles: splitTopLevel(body.slice(0, to)).map((role) => role.trim()).filter(Boolean) };
  }
  const privileges = splitTopLevel(body.slice(0, on))
    .map((privilege) => privilege.replace(/\(.*\)/s, '').trim().replace(/\s+/g, ' ').toUpperCase())
    .map((privilege) => (privilege === 'ALL' ? 'ALL PRIVILEGES' : privilege))
    .filter(Boolean);
  // `ON [TABLE|FUNCTION|PROCEDURE|PACKAGE [BODY]] db.object`, or `ON ''@''` for PROXY.
  const target = body.slice(on + 2, to).trim().replace(/^(TABLE|FUNCTION|PROCEDURE|PACKAGE\s+BODY|PACKAGE)\s+/i, '');
  const [database, object] = splitQualifiedName(target);
  return { privileges, database, object, withGrantOption, roles: [] };
}

/**
 * Why the grants make the account privileged, one reason per finding (empty: the account is fine).
 * `via` names the role the lines came from, when they are a role's grants.
 */
export function privilegedMysqlGrants(lines: string[], via?: string): string[] {
  const reasons: string[] = [];
  const through = via ? ` through role ${via}` : '';
  for (const grant of lines.map(parseMysqlGrant)) {
    if (!grant || grant.database === undefined) continue;
    const global = grant.database === '*';
    if (global) {
      const administrative = grant.privileges.filter((p) => ADMINISTRATIVE.has(p) || /[ _]ADMIN$/.test(p));
      if (administrative.length) reasons.push(`has ${administrative.join(', ')} on *.*${through}`);
      if (grant.withGrantOption) reasons.push(`has GRANT OPTION on *.*${through}`);
    }
    if (grant.privileges.includes('PROXY')) {
      if (!global) reasons.push(`has PROXY (it can act as another account)${through}`);
      continue;
    }
    // ALL PRIVILEGES on *.* is already reported above as administrative.
    const data = grant.privileges.filter((p) => SCHEMA_ACCESS.has(p) && !(global && p === 'ALL PRIVILEGES'));
    const schemas = SYSTEM_SCHEMAS.filter((schema) => databaseMatches(grant.database!, schema));
    if (data.length && schemas.length) {
      reasons.push(`has ${data.join(', ')} on ${quoted(grant.database!)}.${grant.object === '*' ? '*' : quoted(grant.object!)}, which reaches the ${schemas.join(', ')} schema${schemas.length > 1 ? 's' : ''}${through}`);
    }
  }
  return [...new Set(reasons)];
}

/** The roles granted directly to the account (each as the server quoted it, ready to use in SQL). */
export function grantedMysqlRoles(lines: string[]): string[] {
  return lines.flatMap((line) => parseMysqlGrant(line)?.roles ?? []);
}

/**
 * A database-level grant names a database or a LIKE pattern (`%` and `_` wildcards, `\_` a literal
 * underscore): `` `%`.* `` covers the `mysql` schema too.
 */
function databaseMatches(pattern: string, schema: string): boolean {
  if (pattern === '*') return true;
  let regex = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) regex += escapeRegex(pattern[++i]);
    else if (c === '%') regex += '.*';
    else if (c === '_') regex += '.';
    else regex += escapeRegex(c);
  }
  return new RegExp(`^${regex}$`, 'is').test(schema);
}

function escapeRegex(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function quoted(name: string): string {
  return name === '*' ? '*' : `\`${name.replace(/`/g, '``')}\``;
}

/** Index of a whole keyword (surrounded by spaces) outside backticks, quotes and parentheses; -1 if absent. */
function indexOfKeyword(text: string, keyword: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '`' || c === "'" || c === '"') {
      i = closingQuote(text, i);
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      depth--;
    } else if (depth === 0 && /\s/.test(text[i - 1] ?? '') && text.slice(i, i + keyword.length).toUpperCase() === keyword && /\s/.test(text[i + keyword.length] ?? '')) {
      return i;
    }
  }
  return -1;
}

/** Index of the quote closing the one at `start` (a doubled quote is a literal one). */
function closingQuote(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\' && quote !== '`') i++;
    else if (text[i] === quote) {
      if (text[i + 1] === quote) i++;
      else return i;
    }
  }
  return text.length;
}

/** Splits on commas outside quotes and parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '`' || c === "'" || c === '"') i = closingQuote(text, i);
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** `` `db`.`table` `` / `*.*` / `db.*` → unquoted [database, object]; a lone name is a table of the default database. */
function splitQualifiedName(target: string): [string, string] {
  const parts: string[] = [];
  let i = 0;
  while (i < target.length) {
    if (target[i] === '`') {
      const end = closingQuote(target, i);
      parts.push(target.slice(i + 1, end).replace(/``/g, '`'));
      i = end + 1;
    } else {
      const dot = target.indexOf('.', i);
      const end = dot < 0 ? target.length : dot;
      parts.push(target.slice(i, end).trim());
      i = end;
    }
    if (target[i] === '.') i++;
  }
  return parts.length >= 2 ? [parts[0], parts[1]] : ['', parts[0] ?? ''];
}
