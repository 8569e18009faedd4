/**
 * The one client for tenant-driven outbound HTTP (the HTTP step, the Loki/Prometheus read clients,
 * connection tests, webhook deliveries): one request (plus up to five redirects) on `node:http` /
 * `node:https`, through the agents of `OutboundHttpClient` (outbound-http.client.ts), which come from
 * EgressService. Written for the HTTP step, so its wording is the HTTP step's.
 *
 * The deadline rule: `timeoutMs` bounds the whole exchange — connect, every redirect hop, headers and
 * the whole body — not the socket's idle time (axios' `timeout`, which a server trickling one byte a
 * second never tripped). The error phrasing: every failure is an `OutboundHttpError` whose message
 * names the URL as given and says what happened (`request to <url> timed out`, `connection refused by
 * <url>`, ...), with a stable `code` and the URL-free `reason` for callers that frame it themselves.
 *
 * Why not axios: a CPU profile of the worker showed axios + follow-redirects costing ~10 % of its CPU
 * on top of Node's own `http.request` (header objects rebuilt several times per request, a stream
 * pipeline per response, follow-redirects wrapping every request even when nothing redirects). This
 * client does only what the step needs, and keeps axios' observable behaviour where a flow could
 * notice it (default headers, header sanitising, query serialisation, redirect rules, decompression,
 * error wording). The differences are listed on the functions that make them.
 *
 * Shape: pure helpers (query, headers, redirect rules, error wording: unit-tested in
 * http-client.spec.ts), then `sendHttpRequest`, which drives one `HttpExchange`.
 *
 * Resource rules of an exchange:
 * - it ends exactly once (`finish`), by result or error, and then: clears its deadline timer, removes
 *   its listener from the caller's AbortSignal, destroys the decoder and a redirect body still
 *   draining, and — on error — destroys the in-flight request, so its socket is closed, never handed
 *   back to the agent half-read;
 * - on success the response was read to its end, so Node has already returned the socket to the
 *   keep-alive agent;
 * - no listener is ever put on a socket (the agent reuses sockets; a listener there would leak).
 */
import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';

/** Redirects followed before failing with "too many redirects" (axios' `maxRedirects` as the step set it). */
export const MAX_REDIRECTS = 5;

/**
 * A redirect's body is read (and thrown away) before the next request goes out, so its keep-alive
 * connection is back in the pool and the next request reuses it (follow-redirects always closed it).
 * A body bigger than this, or still unfinished after the grace period, has its connection closed
 * instead, and the redirect goes on at once on a new one.
 */
const REDIRECT_DRAIN_LIMIT = 64 * 1024;
const REDIRECT_DRAIN_GRACE_MS = 250;

/**
 * Sent unless the step or its resource sets them. `accept` is axios' default; `accept-encoding` lists
 * what `decoderFor` can undo (axios also advertised `compress`, which it could not decode).
 */
export const DEFAULT_REQUEST_HEADERS: Readonly<Record<string, string>> = {
  accept: 'application/json, text/plain, */*',
  'user-agent': 'async-testing-service',
  'accept-encoding': 'gzip, deflate, br',
};

/** Methods for which a text body without a content-type is sent as a form, as axios did. */
const FORM_BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

export interface HttpAgents {
  http: http.Agent;
  https: https.Agent;
}

export interface HttpRequestOptions {
  /** Absolute http(s) URL; error messages name it exactly as given (without `query`). */
  url: string;
  /** Upper-case method. */
  method: string;
  /** Lower-case names (see `mergeHeaders`); `DEFAULT_REQUEST_HEADERS` fill the gaps. */
  headers: Record<string, string>;
  /** Appended to the URL's own query (see `queryPairs`). */
  query?: Record<string, unknown>;
  /** Already serialised; sent as UTF-8 with a content-length. */
  body?: string;
  followRedirects: boolean;
  /** Cap on the response body, raw and decompressed. */
  maxResponseBytes: number;
  /**
   * What a body over the cap does: `fail` (default) rejects with ETOOLARGE; `truncate` resolves with
   * the first `maxResponseBytes` decoded bytes and closes the connection (probes and webhooks keep
   * only the start of a body, and a big body does not make the call fail).
   */
  overLimit?: 'fail' | 'truncate';
  /** Deadline of the whole exchange (redirects and body included), not a socket idle timeout. */
  timeoutMs?: number;
  /** The caller's signal (step timeout, cancel, shutdown); the deadline alone bounds a call without one. */
  signal?: AbortSignal;
  /** From EgressService: they check every connection (each redirect hop's included) against the egress policy. */
  agents: HttpAgents;
  /** Lower-case names of more headers that a redirect to another origin drops (a resource's secret headers). */
  originBoundHeaders?: readonly string[];
}

export interface HttpResponse {
  status: number;
  /** The status line's text (`Not Found`), empty when the server sent none. */
  statusText: string;
  /** Lower-case names, repeated headers joined with ', '; no content-encoding once decoded. */
  headers: Record<string, string>;
  /** Decoded body bytes. */
  body: Buffer;
  /** Set when `overLimit: 'truncate'` cut the body at `maxResponseBytes`. */
  truncated?: boolean;
}

/**
 * What went wrong, stable for callers that word it their own way: Node's errno code where there is
 * one (ECONNREFUSED, ENOTFOUND, ECONNRESET, EEGRESS from the egress gate, ...) and these of ours.
 */
export const OUTBOUND_FAILURE = {
  /** The whole-exchange deadline (`timeoutMs`) passed; also an OS-level ETIMEDOUT. */
  deadline: 'ETIMEDOUT',
  /** The caller's AbortSignal fired (step timeout, cancel, shutdown). */
  aborted: 'EABORTED',
  /** The body passed `maxResponseBytes` (raw or decoded). */
  tooLarge: 'ETOOLARGE',
  /** A bad URL, method or header, or a redirect that cannot be followed: nothing (more) was sent. */
  invalid: 'EINVALID',
  /** More than MAX_REDIRECTS redirects. */
  redirects: 'EREDIRECTS',
} as const;

/** Every failure of `sendHttpRequest`; the message is meant for a tester (it becomes the step error). */
export class OutboundHttpError extends Error {
  constructor(
    message: string,
    /** An OUTBOUND_FAILURE value or Node's errno code. */
    readonly code: string,
    /** What happened without naming the URL: `connection refused`, `timed out after 5000 ms`, ... */
    readonly reason: string,
  ) {
    super(message);
    this.name = 'OutboundHttpError';
  }
}

// ---------------------------------------------------------------------------------------------------
// Pure helpers
// ---------------------------------------------------------------------------------------------------

/**
 * Header values as axios sent them: control characters and characters outside Latin-1 (which Node
 * would reject with ERR_INVALID_CHAR) removed, surrounding spaces and tabs trimmed. A value read from
 * a file with a trailing newline therefore still works.
 */
export function sanitizeHeaderValue(value: unknown): string {
  // eslint-disable-next-line no-control-regex
  return String(value).replace(/[^\t\x20-\x7e\x80-\xff]+/g, '').replace(/^[\t ]+|[\t ]+$/g, '');
}

/** Merges header maps left to right with lower-cased names (so `Accept` and `accept` are one header). */
export function mergeHeaders(...layers: Array<Record<string, unknown> | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const layer of layers) {
    if (!layer) continue;
    for (const name of Object.keys(layer)) out[name.trim().toLowerCase()] = sanitizeHeaderValue(layer[name]);
  }
  return out;
}

/**
 * The body as sent and the content-type it implies when none is set: JSON values as
 * `application/json`; text as is, and — for POST/PUT/PATCH — as `application/x-www-form-urlencoded`,
 * axios' default, kept so `a=1&b=2` bodies keep working. Unlike axios, a text body is never
 * re-encoded: with a JSON content-type axios sent `hello` as `"hello"` and trimmed valid JSON text.
 */
export function serializeBody(body: unknown, method: string): { body?: string; contentType?: string } {
  if (body === undefined) return {};
  if (typeof body === 'string') return { body, contentType: FORM_BODY_METHODS.has(method) ? 'application/x-www-form-urlencoded' : undefined };
  return { body: JSON.stringify(body), contentType: 'application/json' };
}

/**
 * Query pairs as axios serialised `params`: null/undefined skipped, booleans and numbers as text,
 * a top-level array of plain values as repeated `key[]`, nested objects/arrays in bracket notation
 * (`a[b]`, `a[0]`). The config type only allows plain values; the rest is what axios did with them.
 */
export function queryPairs(query: Record<string, unknown> | undefined): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  const visit = (key: string, value: unknown, topLevel: boolean): void => {
    if (value === undefined || value === null) return;
    if (Array.isArray(value)) {
      if (topLevel && value.every((v) => v === null || typeof v !== 'object')) {
        for (const v of value) if (v !== null && v !== undefined) pairs.push([`${key}[]`, String(v)]);
      } else {
        value.forEach((v, i) => visit(`${key}[${i}]`, v, false));
      }
      return;
    }
    if (typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) visit(`${key}[${k}]`, v, false);
      return;
    }
    pairs.push([key, String(value)]);
  };
  for (const [key, value] of Object.entries(query ?? {})) visit(key, value, true);
  return pairs;
}

/**
 * Appends `query` to the URL's existing query string. The existing part is left byte for byte as
 * written (`url.searchParams.append` would re-encode it); the new pairs are encoded by URLSearchParams.
 */
export function appendQuery(url: URL, query: Record<string, unknown> | undefined): void {
  const pairs = queryPairs(query);
  if (pairs.length === 0) return;
  const extra = new URLSearchParams(pairs).toString();
  url.search = url.search.length > 1 ? `${url.search}&${extra}` : extra;
}

/**
 * Credentials in the URL (`http://user:pass@host/`) become a Basic authorization header replacing any
 * other one, and leave the URL — what axios did.
 */
export function moveUrlCredentials(url: URL, headers: Record<string, string>): void {
  if (!url.username && !url.password) return;
  const credentials = `${safeDecode(url.username)}:${safeDecode(url.password)}`;
  headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
  url.username = '';
  url.password = '';
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** One request of an exchange: the first, or one made by following a redirect. */
export interface Hop {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** See HttpRequestOptions.originBoundHeaders. */
  originBound?: readonly string[];
}

/** Headers a redirect to another origin (scheme, host or port) must not carry. */
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie'];

/** Whether a response is followed: any 3xx with a Location, as follow-redirects did (300 and 304 too). */
export function isRedirect(status: number, location: string | undefined): location is string {
  return status >= 300 && status < 400 && !!location;
}

/**
 * The request a redirect leads to, or a problem text:
 * - the Location is resolved against the current URL (relative locations work);
 * - 303 turns anything but GET/HEAD into GET, and 301/302 turn POST into GET (what browsers and
 *   follow-redirects do), dropping the body and its content-* headers; 307/308 (and 301/302 of other
 *   methods) keep method and body;
 * - a user-set Host header is dropped (the redirect may lead elsewhere);
 * - Authorization, Proxy-Authorization and Cookie are dropped when the origin changes.
 */
export function nextHop(hop: Hop, status: number, location: string): Hop | string {
  let url: URL;
  try {
    url = new URL(location, hop.url);
  } catch {
    return `redirect to an invalid location: ${location}`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `redirect to unsupported protocol ${url.protocol}`;
  url.hash = '';
  const headers = { ...hop.headers };
  let { method, body } = hop;
  if (((status === 301 || status === 302) && method === 'POST') || (status === 303 && method !== 'GET' && method !== 'HEAD')) {
    method = 'GET';
    body = undefined;
    for (const name of Object.keys(headers)) if (name.startsWith('content-')) delete headers[name];
  }
  delete headers.host;
  if (url.origin !== hop.url.origin) for (const name of [...CREDENTIAL_HEADERS, ...(hop.originBound ?? [])]) delete headers[name];
  moveUrlCredentials(url, headers);
  return { url, method, headers, body, originBound: hop.originBound };
}

/** Response headers as the step reports them: lower-case names, arrays (set-cookie) joined with ', '. */
export function flattenHeaders(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v !== undefined && v !== null) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  return out;
}

/** The tester-facing text of a network error (wording kept from the axios-based step). */
export function describeNetworkError(error: NodeJS.ErrnoException, url: string): string {
  switch (error.code) {
    case 'EEGRESS':
      return error.message; // names the host, the address and the setting already
    case 'ECONNREFUSED':
      return `connection refused by ${url}`;
    case 'ENOTFOUND':
      return `host not found: ${url}`;
    case 'ECONNABORTED':
    case 'ETIMEDOUT':
      return `request to ${url} timed out`;
    default:
      return error.code ? `request to ${url} failed: ${error.code} ${error.message}` : `request to ${url} failed: ${error.message}`;
  }
}

export function describeAbort(url: string, reason: unknown): string {
  return `request to ${url} aborted: ${String((reason as Error)?.message ?? reason)}`;
}

export function describeTooLarge(url: string, maxBytes: number): string {
  return `response from ${url} exceeds the ${maxBytes}-byte limit`;
}

/** The error of a network failure: the HTTP step's wording, Node's code, the URL-free reason. */
export function networkFailure(error: NodeJS.ErrnoException, url: string): OutboundHttpError {
  const code = error.code ?? 'EFAILED';
  const reasons: Record<string, string> = {
    EEGRESS: error.message,
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'host not found',
    ECONNABORTED: 'timed out',
    ETIMEDOUT: 'timed out',
  };
  const reason = reasons[code] ?? (error.code ? `${error.code} ${error.message}` : error.message);
  return new OutboundHttpError(describeNetworkError(error, url), code === 'ECONNABORTED' ? OUTBOUND_FAILURE.deadline : code, reason);
}

/** The error of the deadline rule: the whole exchange took longer than `timeoutMs`. */
export function deadlineFailure(url: string, timeoutMs: number): OutboundHttpError {
  return new OutboundHttpError(`request to ${url} timed out`, OUTBOUND_FAILURE.deadline, `timed out after ${timeoutMs} ms`);
}

export function abortFailure(url: string, reason: unknown): OutboundHttpError {
  const message = describeAbort(url, reason);
  return new OutboundHttpError(message, OUTBOUND_FAILURE.aborted, message.slice(`request to ${url} `.length));
}

export function tooLargeFailure(url: string, maxBytes: number): OutboundHttpError {
  return new OutboundHttpError(describeTooLarge(url, maxBytes), OUTBOUND_FAILURE.tooLarge, `response exceeds the ${maxBytes}-byte limit`);
}

/** A failure before or between requests (bad URL or header, unfollowable redirect). */
export function requestFailure(url: string, problem: string, code: string = OUTBOUND_FAILURE.invalid): OutboundHttpError {
  return new OutboundHttpError(`request to ${url} failed: ${problem}`, code, problem);
}

/** Content codings undone (header removed from the result); others are passed through untouched. */
const DECODED_ENCODINGS = new Set(['gzip', 'x-gzip', 'deflate', 'br', 'zstd']);

// Sync flush at the end, as axios: a truncated compressed body yields what it holds instead of an error.
const ZLIB_OPTIONS: zlib.ZlibOptions = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
const BROTLI_OPTIONS: zlib.BrotliOptions = { flush: zlib.constants.BROTLI_OPERATION_FLUSH, finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH };
// zstd exists from Node 22.15 (the Docker image runs Node 24); axios decoded it where available.
const zstd = zlib as unknown as { createZstdDecompress?: (options?: object) => zlib.Gunzip; constants: Record<string, number> };

/** Whether the response's content-encoding is one this client decodes (HEAD and 204 carry no body). */
export function decodesEncoding(encoding: string | undefined): boolean {
  if (!encoding) return false;
  const name = encoding.trim().toLowerCase();
  return DECODED_ENCODINGS.has(name) && (name !== 'zstd' || typeof zstd.createZstdDecompress === 'function');
}

/**
 * The decompressor of a body, chosen on its first bytes: "deflate" is sent zlib-wrapped (RFC 9110) or
 * raw by some servers, so a zlib header is looked for; gzip also accepts zlib data (createUnzip).
 */
export function decoderFor(encoding: string, firstChunk: Buffer): zlib.Gunzip | zlib.Unzip | zlib.Inflate | zlib.InflateRaw | zlib.BrotliDecompress {
  switch (encoding.trim().toLowerCase()) {
    case 'deflate':
      return hasZlibHeader(firstChunk) ? zlib.createInflate(ZLIB_OPTIONS) : zlib.createInflateRaw(ZLIB_OPTIONS);
    case 'br':
      return zlib.createBrotliDecompress(BROTLI_OPTIONS);
    case 'zstd':
      return zstd.createZstdDecompress!({ flush: zstd.constants.ZSTD_e_flush, finishFlush: zstd.constants.ZSTD_e_flush });
    default:
      return zlib.createUnzip(ZLIB_OPTIONS);
  }
}

/** RFC 1950 header: compression method 8, and the first two bytes a multiple of 31. */
export function hasZlibHeader(chunk: Buffer): boolean {
  if (chunk.length < 2) return chunk[0] === 0x78;
  return (chunk[0] & 0x0f) === 8 && ((chunk[0] << 8) | chunk[1]) % 31 === 0;
}

// ---------------------------------------------------------------------------------------------------
// The exchange
// ---------------------------------------------------------------------------------------------------

/** Sends the request, follows redirects, reads and decodes the body. Rejects only with OutboundHttpError. */
export function sendHttpRequest(options: HttpRequestOptions): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => new HttpExchange(options, resolve, reject).start());
}

type Decoder = ReturnType<typeof decoderFor>;

class HttpExchange {
  private settled = false;
  private timer?: NodeJS.Timeout;
  /** The request in flight; events of earlier (redirected) requests are ignored. */
  private current?: http.ClientRequest;
  private decoder?: Decoder;
  /** A redirect response being read to its end before the next request (see REDIRECT_DRAIN_LIMIT). */
  private draining?: http.IncomingMessage;
  private drainTimer?: NodeJS.Timeout;
  private redirects = 0;
  private readonly onAbort = () => this.fail(abortFailure(this.options.url, this.options.signal?.reason));

  constructor(
    private readonly options: HttpRequestOptions,
    private readonly resolve: (response: HttpResponse) => void,
    private readonly reject: (error: OutboundHttpError) => void,
  ) {}

  start(): void {
    const { signal, timeoutMs, url } = this.options;
    if (signal?.aborted) return this.onAbort();
    signal?.addEventListener('abort', this.onAbort, { once: true });
    // One timer for the whole exchange, cleared in finish(): cheaper than AbortSignal.timeout, whose
    // timer lives on for the full timeoutMs after the request is done.
    if (timeoutMs) this.timer = setTimeout(() => this.fail(deadlineFailure(url, timeoutMs)), timeoutMs);
    let hop: Hop;
    try {
      hop = this.firstHop();
    } catch (error) {
      return this.fail(requestFailure(url, (error as Error).message));
    }
    this.send(hop);
  }

  private firstHop(): Hop {
    const { url: text, method, headers, query, body } = this.options;
    const url = new URL(text); // throws "Invalid URL"
    url.hash = '';
    appendQuery(url, query);
    const merged = { ...DEFAULT_REQUEST_HEADERS, ...headers };
    moveUrlCredentials(url, merged);
    return { url, method, headers: merged, body: body === undefined ? undefined : Buffer.from(body, 'utf8'), originBound: this.options.originBoundHeaders };
  }

  private send(hop: Hop): void {
    const { url } = hop;
    const headers = hop.body === undefined ? hop.headers : { ...hop.headers, 'content-length': String(hop.body.length) };
    const secure = url.protocol === 'https:';
    let req: http.ClientRequest;
    try {
      req = (secure ? https : http).request({
        protocol: url.protocol,
        hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
        port: url.port || undefined,
        path: url.pathname + url.search,
        method: hop.method,
        headers,
        agent: secure ? this.options.agents.https : this.options.agents.http,
      });
    } catch (error) {
      // Invalid method or header name/value: Node throws before any I/O.
      return this.fail(requestFailure(this.options.url, (error as Error).message));
    }
    this.current = req;
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (req === this.current) this.fail(networkFailure(error, this.options.url));
    });
    req.on('response', (res) => this.onResponse(hop, req, res));
    req.end(hop.body);
  }

  private onResponse(hop: Hop, req: http.ClientRequest, res: http.IncomingMessage): void {
    if (this.settled || req !== this.current) return void res.destroy();
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (this.options.followRedirects && isRedirect(status, location)) {
      // Failing here destroys the request (fail), and with it this response and its socket.
      if (++this.redirects > MAX_REDIRECTS) {
        return this.fail(new OutboundHttpError(`too many redirects from ${this.options.url}`, OUTBOUND_FAILURE.redirects, `more than ${MAX_REDIRECTS} redirects`));
      }
      const next = nextHop(hop, status, location);
      if (typeof next === 'string') return this.fail(requestFailure(this.options.url, next));
      return this.drainThen(res, () => this.send(next));
    }
    this.read(hop, res);
  }

  /** Reads a redirect's (normally tiny) body to its end, then sends the next request. */
  private drainThen(res: http.IncomingMessage, proceed: () => void): void {
    let seen = 0;
    let done = false;
    const go = () => {
      if (done) return;
      done = true;
      clearTimeout(this.drainTimer);
      this.draining = undefined;
      // Node frees the socket on the tick after 'end' (after user 'end' handlers): wait for it.
      setImmediate(() => {
        if (!this.settled) proceed();
      });
    };
    // The redirect's request is done with: its late events must not fail the exchange.
    this.current = undefined;
    this.draining = res;
    this.drainTimer = setTimeout(() => res.destroy(), REDIRECT_DRAIN_GRACE_MS);
    res.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > REDIRECT_DRAIN_LIMIT) res.destroy();
    });
    res.on('end', go);
    res.on('close', go); // destroyed (cap, grace period) or cut by the server: go on anyway
    res.on('error', () => undefined); // a redirect body failing does not fail the exchange
  }

  /** Reads the final response, decoding it, with the size cap on raw and decoded bytes. */
  private read(hop: Hop, res: http.IncomingMessage): void {
    const { url, maxResponseBytes } = this.options;
    const truncate = this.options.overLimit === 'truncate';
    const status = res.statusCode ?? 0;
    const statusText = res.statusMessage ?? '';
    const headers = flattenHeaders(res.headers);
    const encoding = headers['content-encoding'];
    // HEAD and 204 have no body to decode; like axios, their content-encoding is dropped as well.
    const decode = encoding !== undefined && hop.method !== 'HEAD' && status !== 204 && decodesEncoding(encoding);
    if (encoding !== undefined && (decode || hop.method === 'HEAD' || status === 204)) delete headers['content-encoding'];

    const chunks: Buffer[] = [];
    let rawBytes = 0;
    let bodyBytes = 0;
    const response = (truncated: boolean): HttpResponse => ({
      status,
      statusText,
      headers,
      body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, bodyBytes),
      ...(truncated && { truncated }),
    });
    const complete = () => this.succeed(response(false));
    // Over the cap: fail, or (truncate) resolve with what fits and close the half-read connection.
    const overLimit = () => (truncate ? this.succeedEarly(response(true)) : this.fail(tooLargeFailure(url, maxResponseBytes)));
    const keep = (chunk: Buffer) => {
      if (this.settled) return;
      // Counted on the decoded bytes: a 100 KB gzip bomb stops here after maxResponseBytes of output.
      if (bodyBytes + chunk.length > maxResponseBytes) {
        if (truncate) {
          chunks.push(chunk.subarray(0, maxResponseBytes - bodyBytes));
          bodyBytes = maxResponseBytes;
        }
        return overLimit();
      }
      bodyBytes += chunk.length;
      chunks.push(chunk);
    };

    res.on('data', (chunk: Buffer) => {
      if (this.settled) return;
      rawBytes += chunk.length;
      if (rawBytes > maxResponseBytes && (!truncate || decode)) return overLimit();
      if (!decode) return keep(chunk);
      if (!this.decoder) this.decoder = this.startDecoder(encoding!, chunk, keep, complete);
      // Backpressure: wait for the decompressor before reading more from the socket.
      if (!this.decoder.write(chunk)) {
        res.pause();
        this.decoder.once('drain', () => res.resume());
      }
    });
    res.on('end', () => {
      if (this.settled) return;
      if (this.decoder) this.decoder.end();
      else complete(); // also an encoded but empty body
    });
    // The connection closed before the body was complete (Node: "aborted", ECONNRESET).
    res.on('error', (error: NodeJS.ErrnoException) => {
      if (error.message === 'aborted') this.fail(requestFailure(url, 'ECONNRESET connection closed before the response was complete', 'ECONNRESET'));
      else this.fail(networkFailure(error, url));
    });
  }

  private startDecoder(encoding: string, firstChunk: Buffer, keep: (chunk: Buffer) => void, complete: () => void): Decoder {
    const decoder = decoderFor(encoding, firstChunk);
    decoder.on('data', keep);
    decoder.on('end', () => {
      if (!this.settled) complete();
    });
    decoder.on('error', (error: NodeJS.ErrnoException) => this.fail(networkFailure(error, this.options.url)));
    return decoder;
  }

  private succeed(response: HttpResponse): void {
    if (this.finish()) this.resolve(response);
  }

  /** Success before the body's end (truncated): the socket is closed, not handed back half-read. */
  private succeedEarly(response: HttpResponse): void {
    if (!this.finish()) return;
    this.current?.destroy();
    this.resolve(response);
  }

  private fail(error: OutboundHttpError): void {
    if (!this.finish()) return;
    // Closes the socket: a half-read response must not go back to the keep-alive pool.
    this.current?.destroy();
    this.reject(error);
  }

  /** Releases everything the exchange holds; false when it had already ended. */
  private finish(): boolean {
    if (this.settled) return false;
    this.settled = true;
    if (this.timer) clearTimeout(this.timer);
    this.options.signal?.removeEventListener('abort', this.onAbort);
    clearTimeout(this.drainTimer);
    this.decoder?.destroy();
    this.draining?.destroy();
    return true;
  }
}
