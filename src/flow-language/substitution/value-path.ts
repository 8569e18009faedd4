import { describeJsonType } from './json-type';
import { readQuotedString } from './quoted-string';

/**
 * Plain paths into JSON values, shared by `${...}` references and assertion paths so both accept the
 * same spellings: `body.items[0].id`, `headers.content-type` (a name is everything between dots),
 * `headers["x.y"]` for names with dots or spaces, `items[-1]` for the last element.
 */

/** A field name or an array index (negative counts from the end). */
export type PathSegment = string | number;

export class ValuePathSyntaxError extends SyntaxError {
  constructor(
    /** What is wrong, without the position (callers embedding a path report their own offset). */
    readonly problem: string,
    /** 0-based offset of the problem in the path text. */
    readonly position: number,
  ) {
    super(`${problem} at character ${position + 1}`);
    this.name = 'ValuePathSyntaxError';
  }
}

/** Per-evaluation memo of parsed JSON text: one body is often referenced many times in one step. */
export type JsonTextCache = Map<string, unknown>;

export type PathResolution =
  | { found: true; value: unknown }
  /** `depth` segments were walked; the value there `reason` (e.g. "has no field \"id\""). */
  | { found: false; depth: number; reason: string };

const NAME_STOP = /[.[\]\s]/;
const BARE_NAME = /^[^.[\]\s"']+$/;
const NOT_JSON = Symbol('not JSON');

export function parseValuePath(text: string): PathSegment[] {
  if (text.length === 0) throw new ValuePathSyntaxError('the path is empty', 0);
  const segments: PathSegment[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '[') {
      const bracket = readBracket(text, i);
      segments.push(bracket.segment);
      i = bracket.end;
      continue;
    }
    if (segments.length > 0) {
      if (text[i] !== '.') throw unexpected(text, i);
      i++;
    }
    let end = i;
    while (end < text.length && !NAME_STOP.test(text[end])) end++;
    if (end === i) {
      if (i === text.length) throw new ValuePathSyntaxError('the path ends with "."', i - 1);
      throw unexpected(text, i);
    }
    segments.push(text.slice(i, end));
    i = end;
  }
  return segments;
}

/** The inverse of parseValuePath, for messages: `response.body.items[0]["x.y"]`. */
export function formatValuePath(segments: readonly PathSegment[]): string {
  return segments
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      if (!BARE_NAME.test(segment)) return `[${JSON.stringify(segment)}]`;
      return index === 0 ? segment : `.${segment}`;
    })
    .join('');
}

/**
 * Walks `segments` from `root`. A string met before the end of the path is parsed when it holds a
 * JSON object or array, because bodies and messages often arrive as JSON text. Only own properties
 * are read, so `constructor` or `__proto__` never reach into prototypes. A value at the end of the
 * path is returned as it is (a JSON string stays a string).
 */
export function resolveValuePath(root: unknown, segments: readonly PathSegment[], cache?: JsonTextCache): PathResolution {
  let current = root;
  for (let depth = 0; depth < segments.length; depth++) {
    if (typeof current === 'string') {
      const parsed = parseJsonContainer(current, cache);
      if (parsed === undefined) return { found: false, depth, reason: 'is a string that is not a JSON object or array' };
      current = parsed;
    }
    const next = child(current, segments[depth]);
    if (typeof next === 'string') return { found: false, depth, reason: next };
    current = next.value;
  }
  if (current === undefined) return { found: false, depth: segments.length, reason: 'is missing' };
  return { found: true, value: current };
}

/** The object or array a JSON text holds, or undefined when it holds something else or is not JSON. */
export function parseJsonContainer(text: string, cache?: JsonTextCache): object | undefined {
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return undefined;
  let parsed = cache?.get(text);
  if (parsed === undefined) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = NOT_JSON;
    }
    cache?.set(text, parsed);
  }
  return parsed === NOT_JSON ? undefined : (parsed as object);
}

/** The child value, or why there is none. */
function child(current: unknown, segment: PathSegment): { value: unknown } | string {
  if (current === null || current === undefined) return `is ${current === null ? 'null' : 'missing'}`;
  if (Array.isArray(current)) {
    const index = typeof segment === 'number' ? segment : /^\d+$/.test(segment) ? Number(segment) : undefined;
    if (index === undefined) {
      if (segment === 'length') return { value: current.length };
      return `is an array (use an index such as [0] instead of "${segment}")`;
    }
    const position = index < 0 ? current.length + index : index;
    if (position < 0 || position >= current.length) {
      return current.length === 0 ? 'is an empty array' : `has ${current.length} item(s), so no index ${index}`;
    }
    return { value: current[position] };
  }
  if (typeof current === 'object') {
    if (typeof segment === 'number') return `is an object, not an array (no index ${segment})`;
    const record = current as Record<string, unknown>;
    if (!Object.hasOwn(record, segment) || record[segment] === undefined) return `has no field "${segment}"`;
    return { value: record[segment] };
  }
  return `is ${describeJsonType(current)}`;
}

function readBracket(text: string, start: number): { segment: PathSegment; end: number } {
  const inner = start + 1;
  let segment: PathSegment;
  let close: number;
  if (text[inner] === '"' || text[inner] === "'") {
    const quoted = readQuotedString(text, inner);
    if (!quoted) throw new ValuePathSyntaxError('unterminated quoted name', inner);
    segment = quoted.value;
    close = quoted.end;
  } else {
    const digits = /^-?\d+/.exec(text.slice(inner));
    if (!digits) {
      throw new ValuePathSyntaxError('expected an index or a quoted name after "["', start);
    }
    segment = Number(digits[0]);
    close = inner + digits[0].length;
  }
  if (text[close] !== ']') throw new ValuePathSyntaxError('expected "]"', close);
  return { segment, end: close + 1 };
}

function unexpected(text: string, position: number): ValuePathSyntaxError {
  return new ValuePathSyntaxError(`unexpected ${JSON.stringify(text[position])}`, position);
}
