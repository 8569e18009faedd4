/**
 * A contract fake of Loki's query API, for tests of the Loki step.
 *
 * No Loki build can be installed on the development and CI machines (see /work/shared/DESIGN.md §6),
 * so this server implements the part of the HTTP contract the step uses exactly as
 * /work/shared/LOKI-API.md documents it from Loki's docs and code; docker-compose carries a real Loki
 * for users. It is deliberately independent of the code under test: it has its own LogQL lexer and
 * parser and its own Go string unquoting, so a wrongly escaped query fails here as it would in Loki.
 *
 * Implemented:
 * - `GET|POST /loki/api/v1/query_range` with `query`, `start`, `end`, `since`, `limit`, `direction`
 *   (`step` and `interval` are accepted and ignored). Timestamps as Loki's code reads them: an integer
 *   of at most 10 digits is seconds, longer is nanoseconds, a number with `.` is float seconds,
 *   otherwise RFC 3339 (nano). `start` inclusive, `end` exclusive, `limit` across streams.
 * - `GET /loki/api/v1/query` refuses log queries with Loki ≥ 3.2's 400.
 * - `GET /ready` → 200 `ready`.
 * - Success bodies `{status, data: {resultType: "streams", result: [{stream, values: [[ns, line]]}], stats}}`.
 * - Errors as plain text: 400 for bad LogQL (`parse error at line 1, col N: ...` / `parse error : ...`)
 *   and bad parameters, 401 `no org id` without `X-Scope-OrgID` when `requireTenant` is set.
 *   With `requireTenant`, another tenant's query succeeds with no data, as in Loki.
 * - LogQL subset: a stream selector with `=`, `!=`, `=~`, `!~` matchers (Loki's non-empty rule
 *   enforced) followed by `|=`, `!=`, `|~`, `!~` line filters; double-quoted strings with Go escapes and
 *   backtick raw strings. RE2 is approximated by JavaScript regexes (leading `(?i)`/`(?s)`/`(?m)` flags).
 *   Valid LogQL beyond that (pipelines like `| json`, metric queries) gets a 400 that says the fake
 *   does not implement it.
 * - `bearerToken` emulates an authenticating proxy in front of Loki (Loki has no auth of its own):
 *   API paths without `Authorization: Bearer <token>` get 401; `/ready` stays open.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeLokiOptions {
  /** When set, Loki runs with auth_enabled: queries need X-Scope-OrgID, and only this tenant sees the pushed data. */
  requireTenant?: string;
  /** When set, API requests must carry `Authorization: Bearer <bearerToken>`. */
  bearerToken?: string;
}

export interface FakeLokiRequest {
  method: string;
  path: string;
  /** The LogQL `query` parameter, null when absent. */
  query: string | null;
  params: Record<string, string>;
  /** X-Scope-OrgID as sent, null when absent. */
  tenant: string | null;
  headers: http.IncomingHttpHeaders;
}

export interface FakeLoki {
  url: string;
  /** Appends lines to the stream with exactly these labels. `tsMs` defaults to now; `tsNs` (string) wins over it. */
  push(labels: Record<string, string>, lines: Array<{ tsMs?: number; tsNs?: string; line: string }>): void;
  requests: FakeLokiRequest[];
  close(): Promise<void>;
}

const MAX_ENTRIES_LIMIT_PER_QUERY = 5000;
const DEFAULT_LIMIT = 100;
const DEFAULT_SINCE_NS = 3_600_000_000_000n;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

interface Entry {
  ns: bigint;
  line: string;
  seq: number;
}
interface Stream {
  labels: Record<string, string>;
  entries: Entry[];
}

export async function startFakeLoki(options: FakeLokiOptions = {}): Promise<FakeLoki> {
  const streams = new Map<string, Stream>();
  const requests: FakeLokiRequest[] = [];
  let seq = 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        handle(req, Buffer.concat(chunks).toString('utf8'), res);
      } catch (error) {
        sendText(res, 500, (error as Error).message);
      }
    });
  });

  function handle(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake-loki');
    const params = new URLSearchParams(url.search);
    if (req.method === 'POST' && /application\/x-www-form-urlencoded/.test(req.headers['content-type'] ?? '')) {
      for (const [key, value] of new URLSearchParams(body)) params.set(key, value);
    }
    const tenantHeader = req.headers['x-scope-orgid'];
    const tenant = typeof tenantHeader === 'string' ? tenantHeader : null;
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: params.get('query'),
      params: Object.fromEntries(params),
      tenant,
      headers: req.headers,
    });

    if (url.pathname === '/ready' && req.method === 'GET') return sendText(res, 200, 'ready');
    const isQueryRange = url.pathname === '/loki/api/v1/query_range';
    const isInstant = url.pathname === '/loki/api/v1/query';
    if (!isQueryRange && !isInstant) return sendText(res, 404, '404 page not found');
    if (req.method !== 'GET' && req.method !== 'POST') return sendText(res, 405, 'method not allowed');

    if (options.bearerToken !== undefined && req.headers.authorization !== `Bearer ${options.bearerToken}`) {
      return sendText(res, 401, 'unauthorized');
    }
    if (options.requireTenant !== undefined && (tenant === null || tenant === '')) return sendText(res, 401, 'no org id');
    // auth_enabled=false: every request is tenant "fake" and sees everything.
    const visible = options.requireTenant === undefined || (tenant ?? '').split('|').includes(options.requireTenant);

    const started = process.hrtime.bigint();
    let request: RangeRequest;
    let selector: ParsedQuery;
    try {
      if (isInstant) {
        parseLogQL(params.get('query') ?? '');
        // Loki ≥ 3.2 (PR #13421): /query only takes metric queries, and the fake only parses log queries.
        throw new LokiError(400, 'log queries are not supported as an instant query type, please change your query to a range query type');
      }
      request = parseRangeParams(params);
      selector = parseLogQL(request.query);
    } catch (error) {
      if (error instanceof LokiError) return sendText(res, error.status, error.message);
      throw error;
    }
    const result = evaluate(selector, request, visible ? [...streams.values()] : []);
    const execTime = Number(process.hrtime.bigint() - started) / 1e9;
    sendJson(res, 200, {
      status: 'success',
      data: { resultType: 'streams', result: result.streams, stats: stats(result, execTime) },
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    push(labels, lines) {
      for (const name of Object.keys(labels)) {
        if (!LABEL_NAME.test(name)) throw new Error(`fake-loki push: invalid label name "${name}"`);
      }
      const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
      let stream = streams.get(key);
      if (!stream) {
        stream = { labels: { ...labels }, entries: [] };
        streams.set(key, stream);
      }
      for (const { tsMs, tsNs, line } of lines) {
        const ns = tsNs !== undefined ? BigInt(tsNs) : BigInt(Math.trunc(tsMs ?? Date.now())) * 1_000_000n;
        stream.entries.push({ ns, line, seq: seq++ });
      }
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

// ---------------------------------------------------------------------------------------------------
// HTTP helpers and parameters (pkg/loghttp/params.go, pkg/util/server/error.go)
// ---------------------------------------------------------------------------------------------------

class LokiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function sendText(res: http.ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  res.end(`${message}\n`);
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body));
}

interface RangeRequest {
  query: string;
  startNs: bigint;
  endNs: bigint;
  limit: number;
  direction: 'forward' | 'backward';
}

function parseRangeParams(params: URLSearchParams): RangeRequest {
  const query = params.get('query') ?? '';
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const endNs = parseLokiTime(params.get('end'), nowNs);
  const since = params.get('since');
  const sinceNs = since ? parsePromDurationNs(since) : DEFAULT_SINCE_NS;
  const startNs = parseLokiTime(params.get('start'), endNs - sinceNs);

  const rawLimit = params.get('limit');
  let limit = DEFAULT_LIMIT;
  if (rawLimit !== null && rawLimit !== '') {
    if (!/^[+-]?\d+$/.test(rawLimit)) throw new LokiError(400, `strconv.ParseInt: parsing ${JSON.stringify(rawLimit)}: invalid syntax`);
    limit = Number(rawLimit);
  }
  if (limit <= 0) throw new LokiError(400, 'limit must be a positive value');
  if (limit > MAX_ENTRIES_LIMIT_PER_QUERY) {
    throw new LokiError(400, `max entries limit per query exceeded, limit > max_entries_limit_per_query (${limit} > ${MAX_ENTRIES_LIMIT_PER_QUERY})`);
  }

  const rawDirection = params.get('direction');
  let direction: 'forward' | 'backward' = 'backward';
  if (rawDirection !== null && rawDirection !== '') {
    const lower = rawDirection.toLowerCase();
    if (lower !== 'forward' && lower !== 'backward') throw new LokiError(400, `invalid direction '${rawDirection}'`);
    direction = lower;
  }
  if (endNs <= startNs) throw new LokiError(400, 'end timestamp must not be before or equal to start time');
  return { query, startNs, endNs, limit, direction };
}

/** loghttp.parseTimestamp: float seconds, ≤10 digits = seconds, longer = ns, else RFC 3339 (nano). */
function parseLokiTime(value: string | null, fallback: bigint): bigint {
  if (value === null || value === '') return fallback;
  if (value.includes('.')) {
    const float = Number(value);
    if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value) && Number.isFinite(float)) {
      const seconds = Math.trunc(float);
      const ms = Math.round((float - seconds) * 1000);
      return BigInt(seconds) * 1_000_000_000n + BigInt(ms) * 1_000_000n;
    }
  }
  if (/^[+-]?\d+$/.test(value)) {
    const digits = BigInt(value);
    return value.length <= 10 ? digits * 1_000_000_000n : digits;
  }
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):(\d{2}))$/.exec(value);
  if (!match) throw new LokiError(400, `strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`);
  const [, y, mo, d, h, mi, s, fraction = '', sign, oh, om] = match;
  const offsetMs = sign ? (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000 : 0;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) - offsetMs;
  return BigInt(ms) * 1_000_000n + BigInt(fraction.padEnd(9, '0') || '0');
}

function parsePromDurationNs(value: string): bigint {
  const match = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/.exec(value);
  if (!match || value === '') throw new LokiError(400, `not a valid duration string: ${JSON.stringify(value)}`);
  const unitsMs = [31_536_000_000n, 604_800_000n, 86_400_000n, 3_600_000n, 60_000n, 1000n, 1n];
  return unitsMs.reduce((total, unit, i) => total + BigInt(match[i + 1] ?? '0') * unit, 0n) * 1_000_000n;
}

// ---------------------------------------------------------------------------------------------------
// LogQL subset: lexer and parser (pkg/logql/syntax/{lex,parser}.go; strings via strutil.Unquote)
// ---------------------------------------------------------------------------------------------------

type MatchOp = '=' | '!=' | '=~' | '!~';
type FilterOp = '|=' | '!=' | '|~' | '!~';

export interface ParsedQuery {
  matchers: Array<{ name: string; op: MatchOp; value: string }>;
  filters: Array<{ op: FilterOp; value: string }>;
}

type TokenKind = '{' | '}' | ',' | 'IDENTIFIER' | 'STRING' | '=' | '!=' | '=~' | '!~' | '|=' | '|~' | '|' | 'OTHER' | 'ERROR' | 'EOF';
interface Token {
  kind: TokenKind;
  text: string;
  /** Decoded value of a STRING token. */
  value: string;
  line: number;
  col: number;
  /** For ERROR: the lexer error, raised only when the parser reaches it (Loki lexes on demand). */
  error?: LokiError;
}

function syntaxError(token: Token, message: string): LokiError {
  return new LokiError(400, `parse error at line ${token.line}, col ${token.col}: ${message}`);
}

function lex(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const at = (kind: TokenKind, text: string, start: number, value = ''): Token => ({ kind, text, value, line, col: start - lineStart + 1 });
  try {
    lexInto();
  } catch (error) {
    if (!(error instanceof LokiError)) throw error;
    tokens.push({ ...at('ERROR', '', i), error });
    return tokens;
  }
  tokens.push(at('EOF', '', i));
  return tokens;

  function lexInto(): void {
    while (i < input.length) {
      const c = input[i];
      if (c === '\n') {
        i++;
        line++;
        lineStart = i;
        continue;
      }
      if (c === ' ' || c === '\t' || c === '\r') {
        i++;
        continue;
      }
      const start = i;
      const two = input.slice(i, i + 2);
      if (two === '!=' || two === '=~' || two === '!~' || two === '|=' || two === '|~') {
        tokens.push(at(two, two, start));
        i += 2;
      } else if (c === '{' || c === '}' || c === ',' || c === '=' || c === '|') {
        tokens.push(at(c, c, start));
        i++;
      } else if (/[a-zA-Z_]/.test(c)) {
        while (i < input.length && /[a-zA-Z0-9_]/.test(input[i])) i++;
        tokens.push(at('IDENTIFIER', input.slice(start, i), start));
      } else if (c === '"') {
        i++;
        while (i < input.length && input[i] !== '"') {
          if (input[i] === '\n') throw syntaxError(at('OTHER', '', start), 'literal not terminated');
          i += input[i] === '\\' ? 2 : 1;
        }
        if (i >= input.length) throw syntaxError(at('OTHER', '', start), 'literal not terminated');
        i++;
        const text = input.slice(start, i);
        tokens.push(at('STRING', text, start, unquoteGoString(text, () => syntaxError(at('OTHER', '', start), 'invalid char escape'))));
      } else if (c === '`') {
        const close = input.indexOf('`', i + 1);
        if (close < 0) throw syntaxError(at('OTHER', '', start), 'literal not terminated');
        const text = input.slice(start, close + 1);
        tokens.push(at('STRING', text, start, text.slice(1, -1).replaceAll('\r', '')));
        i = close + 1;
      } else {
        tokens.push(at('OTHER', String.fromCodePoint(input.codePointAt(i)!), start));
        i += tokens[tokens.length - 1].text.length;
      }
    }
  }
}

/**
 * Go's strconv.Unquote for a double-quoted literal (what Prometheus' strutil.Unquote does): the escapes
 * \a \b \f \n \r \t \v \\ \" \xNN \NNN \uNNNN \UNNNNNNNN, anything else an error. Works on bytes, as Go
 * does, then reads them as UTF-8.
 */
export function unquoteGoString(literal: string, fail: () => Error = () => new Error('invalid syntax')): string {
  if (literal.length < 2 || literal[0] !== '"' || literal[literal.length - 1] !== '"') throw fail();
  const body = literal.slice(1, -1);
  const bytes: number[] = [];
  const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34 };
  for (let i = 0; i < body.length; ) {
    const c = body[i];
    if (c === '"' || c === '\n') throw fail();
    if (c !== '\\') {
      const codePoint = body.codePointAt(i)!;
      const char = String.fromCodePoint(codePoint);
      bytes.push(...Buffer.from(char, 'utf8'));
      i += char.length;
      continue;
    }
    const e = body[i + 1];
    if (e === undefined) throw fail();
    if (e in simple) {
      bytes.push(simple[e]);
      i += 2;
    } else if (e === 'x') {
      const hex = body.slice(i + 2, i + 4);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw fail();
      bytes.push(parseInt(hex, 16));
      i += 4;
    } else if (/[0-7]/.test(e)) {
      const octal = body.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(octal) || parseInt(octal, 8) > 255) throw fail();
      bytes.push(parseInt(octal, 8));
      i += 4;
    } else if (e === 'u' || e === 'U') {
      const size = e === 'u' ? 4 : 8;
      const hex = body.slice(i + 2, i + 2 + size);
      if (!new RegExp(`^[0-9a-fA-F]{${size}}$`).test(hex)) throw fail();
      const rune = parseInt(hex, 16);
      if (rune > 0x10ffff || (rune >= 0xd800 && rune <= 0xdfff)) throw fail();
      bytes.push(...Buffer.from(String.fromCodePoint(rune), 'utf8'));
      i += 2 + size;
    } else {
      throw fail();
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

const EMPTY_COMPATIBLE =
  'queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~".*" does not meet this requirement, but app=~".+" will';

/** Parses the LogQL subset; throws a LokiError carrying Loki's status and message. */
export function parseLogQL(query: string): ParsedQuery {
  const tokens = lex(query);
  let pos = 0;
  const peek = () => {
    const token = tokens[pos];
    if (token.kind === 'ERROR') throw token.error!;
    return token;
  };
  const unexpected = (token: Token, expecting: string) =>
    syntaxError(token, `syntax error: unexpected ${token.kind === 'EOF' ? '$end' : token.kind === 'STRING' ? 'STRING' : token.kind === 'IDENTIFIER' ? 'IDENTIFIER' : token.text}, expecting ${expecting}`);
  const expect = (kind: TokenKind, expecting: string): Token => {
    const token = peek();
    if (token.kind !== kind) throw unexpected(token, expecting);
    pos++;
    return token;
  };

  if (peek().kind === 'EOF') throw new LokiError(400, 'parse error : syntax error: unexpected $end');
  if (peek().kind === 'IDENTIFIER') {
    throw new LokiError(400, `fake-loki: metric queries (${peek().text}...) are not implemented by this fake; the Loki step only sends log queries`);
  }
  expect('{', '{');
  const matchers: ParsedQuery['matchers'] = [];
  for (;;) {
    const name = expect('IDENTIFIER', 'IDENTIFIER');
    const op = peek();
    if (op.kind !== '=' && op.kind !== '!=' && op.kind !== '=~' && op.kind !== '!~') throw unexpected(op, '= or != or =~ or !~');
    pos++;
    const value = expect('STRING', 'STRING');
    matchers.push({ name: name.text, op: op.kind, value: value.value });
    if (peek().kind === ',') {
      pos++;
      continue;
    }
    expect('}', ', or }');
    break;
  }
  const filters: ParsedQuery['filters'] = [];
  while (peek().kind !== 'EOF') {
    const op = peek();
    if (op.kind === '|') {
      throw new LokiError(400, `fake-loki: log pipeline stages (| ${tokens[pos + 1]?.text ?? ''}) are not implemented by this fake`);
    }
    if (op.kind !== '|=' && op.kind !== '!=' && op.kind !== '|~' && op.kind !== '!~') throw unexpected(op, '|= or != or |~ or !~ or $end');
    pos++;
    filters.push({ op: op.kind, value: expect('STRING', 'STRING').value });
  }

  const compiled = matchers.map((m) => ({ ...m, test: matcherTest(m.op, m.value) }));
  if (!compiled.some((m) => (m.op === '=' || m.op === '=~') && !m.test(''))) throw new LokiError(400, `parse error : ${EMPTY_COMPATIBLE}`);
  for (const filter of filters) if (filter.op === '|~' || filter.op === '!~') compileRe2(filter.value, false);
  return { matchers, filters };
}

/** RE2 through JavaScript: enough for tests (leading flag group, named groups), not a full translation. */
function compileRe2(source: string, anchored: boolean): RegExp {
  let flags = 'u';
  let body = source;
  const flagGroup = /^\(\?([a-zA-Z]+)\)/.exec(body);
  if (flagGroup) {
    for (const flag of flagGroup[1]) {
      if (flag === 'i' || flag === 's' || flag === 'm') flags += flags.includes(flag) ? '' : flag;
      else throw new LokiError(400, `parse error : error parsing regexp: invalid or unsupported Perl syntax: \`(?${flag}\``);
    }
    body = body.slice(flagGroup[0].length);
  }
  body = body.replaceAll('(?P<', '(?<');
  try {
    return new RegExp(anchored ? `^(?:${body})$` : body, flags);
  } catch (error) {
    throw new LokiError(400, `parse error : error parsing regexp: ${(error as Error).message}`);
  }
}

function matcherTest(op: MatchOp, value: string): (actual: string) => boolean {
  switch (op) {
    case '=':
      return (actual) => actual === value;
    case '!=':
      return (actual) => actual !== value;
    case '=~': {
      const re = compileRe2(value, true);
      return (actual) => re.test(actual);
    }
    case '!~': {
      const re = compileRe2(value, true);
      return (actual) => !re.test(actual);
    }
  }
}

function filterTest(op: FilterOp, value: string): (line: string) => boolean {
  switch (op) {
    case '|=':
      return (line) => line.includes(value);
    case '!=':
      return (line) => !line.includes(value);
    case '|~': {
      const re = compileRe2(value, false);
      return (line) => re.test(line);
    }
    case '!~': {
      const re = compileRe2(value, false);
      return (line) => !re.test(line);
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Evaluation and stats
// ---------------------------------------------------------------------------------------------------

interface Evaluation {
  streams: Array<{ stream: Record<string, string>; values: Array<[string, string]> }>;
  linesProcessed: number;
  bytesProcessed: number;
  postFilterLines: number;
  returned: number;
}

function evaluate(query: ParsedQuery, request: RangeRequest, streams: Stream[]): Evaluation {
  const matchers = query.matchers.map((m) => ({ name: m.name, test: matcherTest(m.op, m.value) }));
  const filters = query.filters.map((f) => filterTest(f.op, f.value));
  let linesProcessed = 0;
  let bytesProcessed = 0;
  const matched: Array<{ stream: Stream; entry: Entry }> = [];
  for (const stream of streams) {
    // A label the stream does not have matches as the empty string (Prometheus semantics).
    if (!matchers.every((m) => m.test(stream.labels[m.name] ?? ''))) continue;
    for (const entry of stream.entries) {
      if (entry.ns < request.startNs || entry.ns >= request.endNs) continue;
      linesProcessed++;
      bytesProcessed += Buffer.byteLength(entry.line, 'utf8');
      if (filters.every((test) => test(entry.line))) matched.push({ stream, entry });
    }
  }
  const sign = request.direction === 'forward' ? 1n : -1n;
  matched.sort((a, b) => Number(a.entry.ns === b.entry.ns ? BigInt(a.entry.seq - b.entry.seq) : (a.entry.ns < b.entry.ns ? -1n : 1n) * sign));
  const kept = matched.slice(0, request.limit);
  const grouped = new Map<Stream, Array<[string, string]>>();
  for (const { stream, entry } of kept) {
    if (!grouped.has(stream)) grouped.set(stream, []);
    grouped.get(stream)!.push([entry.ns.toString(), entry.line]);
  }
  return {
    streams: [...grouped].map(([stream, values]) => ({ stream: { ...stream.labels }, values })),
    linesProcessed,
    bytesProcessed,
    postFilterLines: matched.length,
    returned: kept.length,
  };
}

/** `data.stats` with the JSON names of pkg/logqlmodel/stats/stats.proto (summary complete, the rest abridged). */
function stats(result: Evaluation, execTime: number): Record<string, unknown> {
  const perSecond = (n: number) => (execTime > 0 ? Math.round(n / execTime) : n);
  return {
    summary: {
      bytesProcessedPerSecond: perSecond(result.bytesProcessed),
      linesProcessedPerSecond: perSecond(result.linesProcessed),
      totalBytesProcessed: result.bytesProcessed,
      totalLinesProcessed: result.linesProcessed,
      execTime,
      queueTime: 0,
      subqueries: 0,
      totalEntriesReturned: result.returned,
      splits: 0,
      shards: 0,
      totalPostFilterLines: result.postFilterLines,
      totalStructuredMetadataBytesProcessed: 0,
    },
    querier: { store: { totalChunksRef: 0, totalChunksDownloaded: 0, chunksDownloadTime: 0, chunk: { headChunkBytes: 0, headChunkLines: 0, decompressedBytes: 0, decompressedLines: 0, compressedBytes: 0, totalDuplicates: 0 } } },
    ingester: {
      totalReached: 1,
      totalChunksMatched: result.linesProcessed > 0 ? 1 : 0,
      totalBatches: 1,
      totalLinesSent: result.returned,
      store: { chunk: { headChunkBytes: result.bytesProcessed, headChunkLines: result.linesProcessed, decompressedBytes: 0, decompressedLines: 0, compressedBytes: 0, totalDuplicates: 0 } },
    },
    cache: {},
  };
}
