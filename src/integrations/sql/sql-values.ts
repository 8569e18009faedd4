import { StepError } from '../../steps/step-plugin';

/**
 * Pure helpers of the SQL step (seed LLD §2.4): rows from `pg` / `mysql2` made JSON-safe, named
 * parameters bound by the driver instead of pasted into the SQL text.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * Makes one driver value JSON-safe without losing information:
 * - bigint → decimal string; `pg` already returns int8/numeric and `mysql2` DECIMAL as strings, which
 *   stay strings — a JS number would silently round anything beyond 2^53;
 * - Date → ISO-8601; an invalid Date (MySQL's zero date) → null, as `JSON.stringify` does;
 * - Buffer / Uint8Array (bytea, BLOB) → base64;
 * - NaN / ±Infinity (float columns) → "NaN" / "Infinity" / "-Infinity", since JSON has no such numbers;
 * - strings, finite numbers, booleans, null unchanged; undefined → null;
 * - arrays (pg arrays) and plain objects (json/jsonb, pg interval, mysql2 geometry) converted deeply.
 */
export function toJsonSafeValue(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value.toString();
    case 'object':
      break;
    default:
      return String(value);
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (Array.isArray(value)) return value.map(toJsonSafeValue);
  const out: { [key: string]: JsonValue } = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) out[key] = toJsonSafeValue(item);
  return out;
}

/** Converts every column of every row (see {@link toJsonSafeValue}). */
export function toJsonSafeRows(rows: ReadonlyArray<Record<string, unknown>>): Array<Record<string, JsonValue>> {
  return rows.map((row) => {
    const out: Record<string, JsonValue> = {};
    for (const [column, value] of Object.entries(row)) out[column] = toJsonSafeValue(value);
    return out;
  });
}

export type SqlDialect = 'postgres' | 'mysql';

export interface BoundQuery {
  /** SQL with driver placeholders: `$1…$n` (postgres) or `?` (mysql). */
  text: string;
  values: unknown[];
}

/**
 * Rewrites `:name` placeholders into the driver's positional ones and lists the values in order.
 * Postgres reuses one `$n` per name; MySQL has only `?`, so a repeated name repeats its value.
 *
 * Not placeholders: anything inside quoted strings, quoted identifiers, comments and dollar-quoted
 * bodies; `::type` casts; a `:` right after a letter/digit/underscore (`arr[lo:hi]`, `12:30`); `:=`.
 * A parameter the query does not use and a placeholder without a parameter are both errors naming
 * the parameter — either one is a typo that would otherwise run a different query.
 */
export function toNamedParameters(query: string, params: Record<string, unknown> | undefined, dialect: SqlDialect): BoundQuery {
  if (dialect !== 'postgres' && dialect !== 'mysql') throw new StepError(`Unknown SQL dialect "${String(dialect)}"`);
  const given = params ?? {};
  const tokens = scanSql(query, dialect);
  const used = tokens.filter((token) => token.kind === 'named');

  const unknown = [...new Set(used.map((token) => token.name).filter((name) => !Object.hasOwn(given, name)))];
  if (unknown.length) {
    throw new StepError(
      `parameters: the query uses ${unknown.map((n) => `:${n}`).join(', ')} but no such parameter is given` +
        (Object.keys(given).length ? ` (given: ${Object.keys(given).join(', ')})` : ''),
      { field: 'parameters', unknown },
    );
  }
  const unused = Object.keys(given).filter((name) => !used.some((token) => token.name === name));
  if (unused.length) {
    throw new StepError(`parameters: ${unused.join(', ')} ${unused.length === 1 ? 'is' : 'are'} not used in the query (no :${unused[0]} placeholder)`, {
      field: 'parameters',
      unused,
    });
  }
  for (const name of new Set(used.map((token) => token.name))) {
    if (given[name] === undefined) throw new StepError(`parameters.${name}: has no value`, { field: `parameters.${name}` });
  }
  if (used.length && tokens.some((token) => token.kind === 'positional')) {
    throw new StepError(
      `query: mixes named (:name) and positional (${dialect === 'postgres' ? '$1' : '?'}) placeholders; use named ones only`,
      { field: 'query' },
    );
  }

  const values: unknown[] = [];
  const indexByName = new Map<string, number>();
  let text = '';
  let last = 0;
  for (const token of used) {
    text += query.slice(last, token.start);
    if (dialect === 'postgres') {
      let index = indexByName.get(token.name);
      if (index === undefined) {
        values.push(given[token.name]);
        index = values.length;
        indexByName.set(token.name, index);
      }
      text += `$${index}`;
    } else {
      values.push(given[token.name]);
      text += '?';
    }
    last = token.end;
  }
  text += query.slice(last);
  return { text, values };
}

interface SqlToken {
  kind: 'named' | 'positional';
  name: string;
  start: number;
  end: number;
}

/** Finds placeholders outside strings, identifiers and comments, with each dialect's quoting rules. */
function scanSql(query: string, dialect: SqlDialect): SqlToken[] {
  const tokens: SqlToken[] = [];
  const n = query.length;
  let i = 0;
  const isWord = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_]/.test(c);
  while (i < n) {
    const c = query[i];
    const next = query[i + 1];
    if (c === "'") {
      // Postgres E'…' strings take backslash escapes; standard strings and MySQL's default do per dialect.
      const backslash = dialect === 'mysql' || (i > 0 && /[eE]/.test(query[i - 1]) && !isWord(query[i - 2]));
      i = skipQuoted(query, i, "'", backslash);
    } else if (c === '"') {
      i = skipQuoted(query, i, '"', dialect === 'mysql');
    } else if (c === '`' && dialect === 'mysql') {
      i = skipQuoted(query, i, '`', false);
    } else if (c === '-' && next === '-' && (dialect === 'postgres' || /\s/.test(query[i + 2] ?? ' '))) {
      // MySQL only starts a comment at "-- " (whitespace or end after the dashes): `1--1` is 1 - -1.
      i = skipLine(query, i);
    } else if (c === '#' && dialect === 'mysql') {
      i = skipLine(query, i);
    } else if (c === '/' && next === '*') {
      i = skipBlockComment(query, i, dialect === 'postgres');
    } else if (c === '$' && dialect === 'postgres') {
      const dollarTag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(query.slice(i));
      if (dollarTag && !isWord(query[i - 1])) {
        const close = query.indexOf(dollarTag[0], i + dollarTag[0].length);
        i = close < 0 ? n : close + dollarTag[0].length;
      } else {
        const positional = /^\$\d+/.exec(query.slice(i));
        if (positional && !isWord(query[i - 1])) tokens.push({ kind: 'positional', name: positional[0], start: i, end: i + positional[0].length });
        i += positional ? positional[0].length : 1;
      }
    } else if (c === '?' && dialect === 'mysql') {
      tokens.push({ kind: 'positional', name: '?', start: i, end: i + 1 });
      i++;
    } else if (c === ':') {
      if (next === ':') {
        i += 2; // a ::cast
      } else if (next !== undefined && /[A-Za-z_]/.test(next) && !isWord(query[i - 1])) {
        let end = i + 2;
        while (end < n && isWord(query[end])) end++;
        tokens.push({ kind: 'named', name: query.slice(i + 1, end), start: i, end });
        i = end;
      } else {
        i++;
      }
    } else {
      i++;
    }
  }
  return tokens;
}

function skipQuoted(query: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < query.length) {
    const c = query[i];
    if (backslashEscapes && c === '\\') {
      i += 2;
    } else if (c === quote) {
      if (query[i + 1] === quote) i += 2; // doubled quote = a literal quote
      else return i + 1;
    } else {
      i++;
    }
  }
  return query.length;
}

function skipLine(query: string, start: number): number {
  const end = query.indexOf('\n', start);
  return end < 0 ? query.length : end + 1;
}

/** Postgres block comments nest; MySQL's do not. */
function skipBlockComment(query: string, start: number, nested: boolean): number {
  let depth = 1;
  let i = start + 2;
  while (i < query.length && depth > 0) {
    if (query[i] === '*' && query[i + 1] === '/') {
      depth--;
      i += 2;
    } else if (nested && query[i] === '/' && query[i + 1] === '*') {
      depth++;
      i += 2;
    } else {
      i++;
    }
  }
  return i;
}

/**
 * True when the query text holds a `${…}` reference. SQL text must not be built by substitution (a
 * value with a quote would change the statement); values go through `parameters`, so the step refuses
 * such queries at save time and points to `:name` placeholders.
 */
export function containsTemplateReference(query: string): boolean {
  return typeof query === 'string' && query.includes('${');
}
