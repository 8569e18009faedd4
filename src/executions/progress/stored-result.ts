/**
 * JSON text already produced by JSON.stringify, spliced as-is into a batch statement's parameter by
 * `toStorableBatch`: a step result is serialized once, to count its bytes, and that text is what is sent.
 */
export class SerializedJson {
  constructor(readonly text: string) {}
}

/** Which cap cut a stored value: the step's own (STEP_RESULT_MAX_BYTES) or the execution's total (EXECUTION_RESULT_MAX_BYTES). */
export type ResultLimit = 'step' | 'execution';

/** A value as it is stored and streamed: the original when it fits, else a truncated form (see `capJson`). */
export interface StoredResult {
  value: unknown;
  json: SerializedJson;
  bytes: number;
}

/**
 * The smallest cap a value is ever cut to, even once the execution's budget is spent: enough for the
 * markers, a result's small fields (status, size, count) and a short preview of the big ones.
 */
export const STUB_BYTES = 1024;

/** Room kept for the markers (`truncated`, `originalBytes`, `limit`, field names) when fields are previewed. */
const MARKER_BYTES = 160;

/**
 * The stored form of a step's request or response, at most `maxBytes` of JSON.
 *
 * A value that fits is stored as it is. One that does not keeps its shape as far as possible, because
 * every step result is an object of a few small fields (HTTP: status, headers, durationMs, size; SQL:
 * rowCount; Kafka: count) and one or two big ones (body, rows, messages):
 *
 *     { "status": 200, "headers": {…}, "durationMs": 12, "size": 10000000,
 *       "body": "<first bytes of the body>",
 *       "truncated": true, "originalBytes": 10000187, "limit": "step", "truncatedFields": ["body"] }
 *
 * The small fields are kept whole (smallest first, up to half the cap), so a UI still shows the status
 * and headers; each big field is replaced by a preview string (a string's own first bytes, else the
 * first bytes of its JSON) sharing the rest of the cap. A UI tells a truncated result by `truncated:
 * true` and can say how much was cut from `originalBytes` (bytes of the whole value's JSON). A value
 * that is not an object, or whose small fields alone are too big, is stored as
 * `{ truncated: true, originalBytes, limit, preview: "<first bytes of its JSON>" }`.
 */
export function capJson(value: unknown, maxBytes: number, limit: ResultLimit = 'step'): StoredResult {
  // Measured without serializing: a 10 MB body that will not be stored is never copied into JSON text.
  const originalBytes = jsonBytes(value);
  if (originalBytes <= maxBytes) return whole(value);
  const markers = { truncated: true as const, originalBytes, limit };
  if (isPlainObject(value)) {
    const shaped = previewFields(value, maxBytes, markers);
    if (shaped) return shaped;
  }
  return fitted((room) => ({ ...markers, preview: previewOf(value, room) }), maxBytes - MARKER_BYTES);
}

function whole(value: unknown): StoredResult {
  const text = JSON.stringify(value) ?? 'null';
  return { value, json: new SerializedJson(text), bytes: Buffer.byteLength(text) };
}

/**
 * The stored form of a step's assertion results. Each result keeps its path, operator, outcome and
 * message (which already quotes the actual value, shortened); an `actual` too big for its share of the
 * cap — an assertion on a whole 10 MB body keeps the body in `actual` — becomes a preview string,
 * marked with `actualTruncated: true` and `actualBytes`.
 */
export function capAssertions(results: readonly unknown[], maxBytes: number): StoredResult {
  if (jsonBytes(results) <= maxBytes) return whole(results);
  const share = Math.max(64, Math.floor((maxBytes - MARKER_BYTES) / Math.max(1, results.length) / 2));
  const capped = results.map((result) => {
    if (!isPlainObject(result)) return result;
    const { actual, expected, ...rest } = result;
    const actualBytes = jsonBytes(actual);
    return {
      ...rest,
      ...(jsonBytes(expected) <= share ? { expected } : { expected: previewOf(expected, share), expectedTruncated: true }),
      ...(actualBytes <= share ? { actual } : { actual: previewOf(actual, share), actualTruncated: true, actualBytes }),
    };
  });
  const cappedText = JSON.stringify(capped);
  const cappedBytes = Buffer.byteLength(cappedText);
  if (cappedBytes <= maxBytes) return { value: capped, json: new SerializedJson(cappedText), bytes: cappedBytes };
  // Too many assertions for the cap even with short previews: keep what a reader needs to know.
  const bare = results.map((r) => (isPlainObject(r) ? { path: r.path, operator: r.operator, passed: r.passed, message: truncateUtf8(String(r.message ?? ''), 200) } : r));
  const bareText = JSON.stringify(bare);
  return { value: bare, json: new SerializedJson(bareText), bytes: Buffer.byteLength(bareText) };
}

/**
 * The stored-bytes account of one running execution: every request, response and assertion list it
 * stores is cut to STEP_RESULT_MAX_BYTES and to what is left of EXECUTION_RESULT_MAX_BYTES (never below
 * STUB_BYTES). `storedBytes` is what the finish statement records on the execution row.
 */
export class ResultBudget {
  constructor(
    private used: number,
    private readonly stepMaxBytes: number,
    private readonly executionMaxBytes: number,
  ) {}

  get storedBytes(): number {
    return this.used;
  }

  store(value: unknown): StoredResult {
    return this.account(this.capOf((cap, limit) => capJson(value, cap, limit)));
  }

  storeAssertions(results: readonly unknown[]): StoredResult {
    return this.account(this.capOf((cap) => capAssertions(results, cap)));
  }

  private capOf(cut: (cap: number, limit: ResultLimit) => StoredResult): StoredResult {
    const remaining = this.executionMaxBytes - this.used;
    const limit: ResultLimit = remaining < this.stepMaxBytes ? 'execution' : 'step';
    return cut(Math.max(STUB_BYTES, Math.min(this.stepMaxBytes, remaining)), limit);
  }

  private account(stored: StoredResult): StoredResult {
    this.used += stored.bytes;
    return stored;
  }
}

function previewFields(value: Record<string, unknown>, maxBytes: number, markers: object): StoredResult | undefined {
  const fields = Object.entries(value)
    .filter(([, field]) => isJsonValue(field))
    .map(([key, field]) => ({ key, field, bytes: jsonBytes(field) + Buffer.byteLength(key) + 4 }));
  const room = maxBytes - MARKER_BYTES - fields.reduce((sum, f) => sum + Buffer.byteLength(f.key) + 8, 0);
  if (room <= 0) return undefined;
  const kept = new Set<string>();
  let keptBytes = 0;
  for (const f of [...fields].sort((a, b) => a.bytes - b.bytes)) {
    if (keptBytes + f.bytes > room / 2) break;
    kept.add(f.key);
    keptBytes += f.bytes;
  }
  const cut = fields.filter((f) => !kept.has(f.key));
  const build = (share: number) => ({
    ...Object.fromEntries(fields.map((f) => [f.key, kept.has(f.key) ? f.field : previewOf(f.field, share)])),
    ...markers,
    truncatedFields: cut.map((f) => f.key),
  });
  return fitted(build, Math.floor((room - keptBytes) / Math.max(1, cut.length)), maxBytes);
}

/** Builds with the given room, shrinking it until the JSON fits (escapes can make a preview longer than its bytes). */
function fitted(build: (room: number) => unknown, room: number, maxBytes = room + MARKER_BYTES): StoredResult {
  for (let r = Math.max(0, room); ; r = Math.floor(r * 0.75)) {
    const value = build(r);
    const text = JSON.stringify(value);
    const bytes = Buffer.byteLength(text);
    if (bytes <= maxBytes || r === 0) return { value, json: new SerializedJson(text), bytes };
  }
}

/** A string's own first bytes, or the first bytes of another value's JSON. */
function previewOf(field: unknown, bytes: number): string {
  return truncateUtf8(typeof field === 'string' ? field : (JSON.stringify(field) ?? 'null'), bytes);
}

/**
 * The longest prefix of `text` that is at most `maxBytes` of UTF-8, never ending inside a character.
 * A fresh string, not a slice: a V8 slice keeps its parent alive, and the parent is the 10 MB body.
 */
export function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text.length > maxBytes ? text.slice(0, maxBytes) : text, 'utf8');
  if (bytes.length <= maxBytes) return bytes.toString('utf8');
  let end = maxBytes;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--; // bytes[end] continues a character: cut before that character
  return bytes.toString('utf8', 0, end);
}

/** Characters JSON.stringify writes as escapes (and lone surrogates, written as `\udXXX`). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * Bytes of `JSON.stringify(value)` in UTF-8, computed by walking the value instead of serializing it:
 * no copy of a big body is made just to learn that it is too big to store.
 */
export function jsonBytes(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return jsonStringBytes(value);
    case 'number':
      return Number.isFinite(value) ? String(value).length : 4;
    case 'boolean':
      return value ? 4 : 5;
    case 'object': {
      if (value === null) return 4;
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return Buffer.byteLength(JSON.stringify(value) ?? 'null');
      if (Array.isArray(value)) {
        let bytes = 2 + Math.max(0, value.length - 1);
        for (const item of value) bytes += isJsonValue(item) ? jsonBytes(item) : 4; // undefined and functions: null
        return bytes;
      }
      let bytes = 2;
      let count = 0;
      for (const [key, item] of Object.entries(value)) {
        if (!isJsonValue(item)) continue;
        bytes += jsonStringBytes(key) + 1 + jsonBytes(item);
        count++;
      }
      return bytes + Math.max(0, count - 1);
    }
    default:
      return 4; // undefined at the top level is stored as null
  }
}

function jsonStringBytes(text: string): number {
  const bytes = Buffer.byteLength(text) + 2;
  if (!NEEDS_ESCAPE.test(text)) return bytes;
  let extra = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 || c === 0x5c || c === 0x08 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d) extra += 1;
    else if (c < 0x20) extra += 5;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else extra += 3; // byteLength counted U+FFFD (3 bytes); JSON writes \udXXX (6)
    } else if (c >= 0xdc00 && c <= 0xdfff) extra += 3;
  }
  return bytes + extra;
}

function isJsonValue(value: unknown): boolean {
  return value !== undefined && typeof value !== 'function' && typeof value !== 'symbol';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
