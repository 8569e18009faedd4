import { JSONPath } from 'jsonpath-plus';
import { RegexFreeScript } from '../../common/json-path/regex-free-script';
import { StepError } from '../step-plugin';

/**
 * Message filtering of subscribe-type steps (kafka-subscribe first; seed LLD §2.5 B, `KafkaSearchPattern`).
 *
 * - `contains` (and `exact`, its older name kept for flows written with it): the message value
 *   contains `pattern` (case-sensitive substring, as the seed's "String Contains").
 * - `jsonpath`: the value is JSON and the JSONPath (jsonpath-plus, safe evaluator) selects at least
 *   one node. A node that exists counts even when its value is `null` or `false` (`$.deleted` matches
 *   `{"deleted": false}`): compare values with a filter, `$[?(@.deleted == true)]`.
 *
 * - `header`: the message carries header `header` (name compared case-insensitively) whose value is
 *   exactly `pattern` (one of them, for a repeated header) — typically the run's correlation id:
 *   `{matchType: "header", header: "X-Correlation-Id", pattern: "${execution.correlationId}"}`.
 *
 * Root filters: JSONPath filters test the *children* of the node they follow, so on a message
 * `{"orderId": "abc"}` the usual `$[?(@.orderId == 'abc')]` would test `"abc"`, not the message, and
 * never match. A Kafka message is one event, and that filter is how people write "the message whose
 * orderId is abc", so when the message is not an array a path starting with a root filter is run
 * against `[message]`: the filter then tests the message itself. Array messages keep the standard
 * meaning (the filter tests each element).
 */

export const MATCH_TYPES = ['exact', 'contains', 'jsonpath', 'header'] as const;
export type MatchType = (typeof MATCH_TYPES)[number];

export interface MessagePattern {
  matchType: MatchType;
  pattern: string;
  /** Header name, for matchType `header` only. */
  header?: string;
}

/** Header values as a transport decodes them (Kafka: repeated headers as arrays). */
export type MessageHeaders = Record<string, string | string[] | undefined>;

export interface MatchResult {
  matched: boolean;
  /** The parsed JSON value when the message was JSON (jsonpath mode). */
  parsed?: unknown;
}

export type MessageMatcher = (value: string | null, headers?: MessageHeaders) => MatchResult;

/** Validates the pattern once (a bad JSONPath fails here, not on every message) and returns the matcher. */
export function createMessageMatcher(pattern: MessagePattern): MessageMatcher {
  if (pattern === null || typeof pattern !== 'object') {
    throw new StepError('searchPattern: expected { matchType, pattern }', { field: 'searchPattern' });
  }
  if (typeof pattern.pattern !== 'string' || pattern.pattern === '') {
    throw new StepError('searchPattern.pattern: must be a non-empty string', { field: 'searchPattern.pattern' });
  }
  switch (pattern.matchType) {
    case 'exact':
    case 'contains': {
      const needle = pattern.pattern;
      return (value) => ({ matched: typeof value === 'string' && value.includes(needle) });
    }
    case 'jsonpath':
      return jsonPathMatcher(pattern.pattern);
    case 'header':
      return headerMatcher(pattern.header, pattern.pattern);
    default:
      throw new StepError(
        `searchPattern.matchType: "${String((pattern as { matchType: unknown }).matchType)}" is not one of ${MATCH_TYPES.join(', ')}`,
        { field: 'searchPattern.matchType' },
      );
  }
}

function headerMatcher(header: unknown, expected: string): MessageMatcher {
  if (typeof header !== 'string' || header.trim() === '') {
    throw new StepError('searchPattern.header: the header name to match is required with matchType "header", e.g. "X-Correlation-Id"', { field: 'searchPattern.header' });
  }
  const wanted = header.trim().toLowerCase();
  return (_value, headers) => {
    for (const [name, value] of Object.entries(headers ?? {})) {
      if (name.toLowerCase() !== wanted || value === undefined) continue;
      if (Array.isArray(value) ? value.includes(expected) : value === expected) return { matched: true };
    }
    return { matched: false };
  };
}

function jsonPathMatcher(path: string): MessageMatcher {
  const segments = validateJsonPath(path);
  const rootFilter = segments.length > 1 && segments[1].startsWith('?(');
  return (value) => {
    if (typeof value !== 'string') return { matched: false };
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      return { matched: false };
    }
    const json = rootFilter && !Array.isArray(parsed) ? [parsed] : parsed;
    return { matched: select(path, json).length > 0, parsed };
  };
}

function select(path: string, json: unknown): unknown[] {
  // ignoreEvalErrors: a filter reading a field some messages lack (`@.order.id` on `{}`) is simply
  // false for them instead of aborting the search of the whole message. jsonpath-plus answers
  // undefined (not []) for a null document.
  const result: unknown = JSONPath({ path, json: json as object, wrap: true, eval: RegexFreeScript, ignoreEvalErrors: true });
  return Array.isArray(result) ? result : [];
}

const FAIL = (path: string, why: string): StepError =>
  new StepError(`searchPattern.pattern: "${path}" is not a valid JSONPath: ${why}`, { field: 'searchPattern.pattern' });

/**
 * jsonpath-plus is lenient (it reads `$[` as `$`), and it compiles filter expressions only when it
 * first reaches them, so the checks are: starts at the root, brackets and parentheses balance outside
 * quotes, and every filter/script expression compiles.
 */
function validateJsonPath(path: string): string[] {
  if (!path.startsWith('$')) throw FAIL(path, 'it must start with $ (the message root), e.g. $.orderId');
  checkBalanced(path);
  let segments: string[];
  try {
    segments = JSONPath.toPathArray(path);
  } catch (error) {
    throw FAIL(path, (error as Error).message);
  }
  for (const segment of segments) {
    if (segment.startsWith('?(') || segment.startsWith('(')) {
      try {
        // Evaluating the expression alone against one empty object compiles it: syntax errors throw
        // (outside jsonpath-plus' ignoreEvalErrors), runtime errors on the empty object are ignored.
        JSONPath({ path: `$[${segment}]`, json: [{}], wrap: true, eval: RegexFreeScript, ignoreEvalErrors: true });
      } catch (error) {
        throw FAIL(path, `in ${segment}: ${(error as Error).message}`);
      }
    }
  }
  return segments;
}

function checkBalanced(path: string): void {
  const closing: Record<string, string> = { '[': ']', '(': ')' };
  const stack: string[] = [];
  let quote: string | null = null;
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === '[' || c === '(') {
      stack.push(closing[c]);
    } else if (c === ']' || c === ')') {
      if (stack.pop() !== c) throw FAIL(path, `unexpected "${c}" at position ${i + 1}`);
    }
  }
  if (quote) throw FAIL(path, `unterminated ${quote} string`);
  if (stack.length) throw FAIL(path, `missing "${stack[stack.length - 1]}"`);
}

/**
 * A Kafka message value for results and `${step.response...}` paths: null stays null (a tombstone),
 * JSON objects and arrays are parsed so paths reach into them, everything else is UTF-8 text. Scalar
 * JSON (`42`, `true`, `"x"`) stays the text the producer sent, so a plain-text "42" is not turned into a
 * number. A UTF-8 byte-order mark is dropped; invalid UTF-8 bytes become U+FFFD.
 */
export function decodeMessageValue(value: Buffer | Uint8Array | string | null | undefined): unknown {
  if (value === null || value === undefined) return null;
  const text = typeof value === 'string' ? value.replace(/^\uFEFF/, '') : new TextDecoder('utf-8').decode(value);
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}
