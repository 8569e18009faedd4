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
  const text = JSON.stringify(value) ?? 'null';
  const bytes = utf8Bytes(text, maxBytes);
  if (bytes <= maxBytes) return { value, json: new SerializedJson(text), bytes };
  const originalBytes = Buffer.byteLength(text);
  const markers = { truncated: true as const, originalBytes, limit };
  if (isPlainObject(value)) {
    const shaped = previewFields(value, maxBytes, markers);
    if (shaped) return shaped;
  }
  return fitted((room) => ({ ...markers, preview: truncateUtf8(text, room) }), maxBytes - MARKER_BYTES);
}

/**
 * The stored form of a step's assertion results. Each result keeps its path, operator, outcome and
 * message (which already quotes the actual value, shortened); an `actual` too big for its share of the
 * cap — an assertion on a whole 10 MB body keeps the body in `actual` — becomes a preview string,
 * marked with `actualTruncated: true` and `actualBytes`.
 */
export function capAssertions(results: readonly unknown[], maxBytes: number): StoredResult {
  const text = JSON.stringify(results);
  const bytes = utf8Bytes(text, maxBytes);
  if (bytes <= maxBytes) return { value: results, json: new SerializedJson(text), bytes };
  const share = Math.max(64, Math.floor((maxBytes - MARKER_BYTES) / Math.max(1, results.length) / 2));
  const capped = results.map((result) => {
    if (!isPlainObject(result)) return result;
    const { actual, expected, ...rest } = result;
    const actualJson = JSON.stringify(actual) ?? 'null';
    const expectedJson = JSON.stringify(expected) ?? 'null';
    return {
      ...rest,
      ...(Buffer.byteLength(expectedJson) <= share ? { expected } : { expected: previewOf(expected, expectedJson, share), expectedTruncated: true }),
      ...(Buffer.byteLength(actualJson) <= share ? { actual } : { actual: previewOf(actual, actualJson, share), actualTruncated: true, actualBytes: Buffer.byteLength(actualJson) }),
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
    .map(([key, field]) => ({ key, field, json: JSON.stringify(field) }))
    .filter((f): f is { key: string; field: unknown; json: string } => f.json !== undefined)
    .map((f) => ({ ...f, bytes: Buffer.byteLength(f.json) + Buffer.byteLength(f.key) + 4 }));
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
    ...Object.fromEntries(fields.map((f) => [f.key, kept.has(f.key) ? f.field : previewOf(f.field, f.json, share)])),
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
function previewOf(field: unknown, json: string, bytes: number): string {
  return truncateUtf8(typeof field === 'string' ? field : json, bytes);
}

/** The longest prefix of `text` that is at most `maxBytes` of UTF-8, never ending inside a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (text.length * 3 <= maxBytes) return text;
  let end = Math.min(text.length, maxBytes);
  while (end > 0 && Buffer.byteLength(text.slice(0, end)) > maxBytes) end = Math.floor(end * 0.9);
  // A cut between the halves of a surrogate pair would leave a lone surrogate (not storable as jsonb).
  if (end > 0 && /[\ud800-\udbff]/.test(text[end - 1])) end--;
  return text.slice(0, end);
}

/** Bytes of UTF-8 of a text at most `maxBytes` long; for a longer one its length (bytes ≥ chars), which is all the caller needs. */
function utf8Bytes(text: string, maxBytes: number): number {
  return text.length > maxBytes ? text.length : Buffer.byteLength(text); // longer than the cap in chars: over it whatever the exact figure
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
