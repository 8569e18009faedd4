import { randomBytes } from 'node:crypto';
import { SerializedJson } from './stored-result';

/** `\u0000` or an escaped lone surrogate, preceded by an even number of backslashes (so not itself escaped). */
const UNSTORABLE_ESCAPE = /(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/gi;

/**
 * JSON text Postgres accepts as jsonb. Step results carry whatever a system under test sent — a binary
 * HTTP body with NUL bytes, a Kafka value, a SQL text column — and jsonb refuses U+0000 and unpaired
 * surrogates, which would fail the whole run at the moment its progress is stored. Such characters are
 * stored as U+FFFD (the replacement character, as for invalid UTF-8). JSON.stringify writes exactly
 * these characters as `\u` escapes (paired surrogates stay literal), so the text is patched, not walked.
 */
export function toStorableJson(value: unknown): string {
  return storable(JSON.stringify(value));
}

/**
 * `toStorableJson` of a batch whose step results were already serialized (SerializedJson, made when
 * they were measured against the result caps): their text is spliced in instead of serialized again.
 * A batch is a list of flat step writes with the serialized results as their own fields, so it is
 * written field by field — JSON.stringify with a replacer function leaves V8's fast path and cost more
 * per step than the serialization it saved (bench:chain profile). Any other shape takes the generic path.
 */
export function toStorableBatch(value: unknown): string {
  if (Array.isArray(value) && value.every(isFlatWrite)) return storable(`[${value.map(writeJson).join(',')}]`);
  const raw: string[] = [];
  const token = `@@ats-raw-${randomBytes(6).toString('hex')}-`;
  const json = JSON.stringify(value, (_key, v: unknown) => {
    if (!(v instanceof SerializedJson)) return v;
    raw.push(v.text);
    return `${token}${raw.length - 1}`;
  });
  const spliced = raw.length ? json.replace(new RegExp(`"${token}(\\d+)"`, 'g'), (_m, i: string) => raw[Number(i)]) : json;
  return storable(spliced);
}

/** A plain object whose SerializedJson values (if any) are its own fields, never nested deeper. */
function isFlatWrite(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const field of Object.values(value)) {
    if (field instanceof SerializedJson || field === null || typeof field !== 'object') continue;
    if (containsSerialized(field)) return false;
  }
  return true;
}

function containsSerialized(value: object): boolean {
  for (const field of Object.values(value)) {
    if (field instanceof SerializedJson) return true;
    if (field !== null && typeof field === 'object' && containsSerialized(field)) return true;
  }
  return false;
}

/** One write as JSON.stringify would write it (undefined, functions and symbols left out), results spliced. */
function writeJson(write: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const key of Object.keys(write)) {
    const field = write[key];
    const text = field instanceof SerializedJson ? field.text : JSON.stringify(field);
    if (text !== undefined) parts.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${parts.join(',')}}`;
}

function storable(json: string): string {
  if (!json.includes('\\u0000') && !/\\ud[89a-f]/i.test(json)) return json;
  return json.replace(UNSTORABLE_ESCAPE, '$1\\ufffd');
}

/** The same rule for a plain text column (an execution's error message may quote what a target sent). */
export function toStorableText(text: string | null): string | null {
  return text === null ? null : text.replace(/\u0000|\p{Cs}/gu, '\ufffd');
}
