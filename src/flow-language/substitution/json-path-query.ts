import { JSONPath } from 'jsonpath-plus';
import { RegexFreeScript } from '../../common/json-path/regex-free-script';
import { parseJsonContainer, type JsonTextCache } from './value-path';

/**
 * jsonpath-plus memoises every parsed path and filter script in module-level Maps that never shrink.
 * Paths here are user-written and often carry substituted ids, so a long-running worker would grow
 * without bound; clearing after this many uses caps that at the price of re-parsing a few paths.
 */
const USES_BEFORE_CACHE_CLEAR = 1_000;
let usesSinceCacheClear = 0;

function countCacheUse(): void {
  if (++usesSinceCacheClear < USES_BEFORE_CACHE_CLEAR) return;
  usesSinceCacheClear = 0;
  JSONPath.clearCache();
}

/**
 * Every match of a JSONPath over `value`, in document order. Strings holding JSON objects or arrays
 * are parsed first, at any depth, so `$.body.items[0]` works when the body is JSON text — the same
 * rule as plain paths. Filters run in jsonpath-plus's "safe" interpreter (never `eval`) with regexes
 * refused (RegexFreeScript), and a filter that throws on one node (`@.a.b` where `a` is absent) just
 * does not match that node. Throws an Error naming the path when it is not a valid JSONPath.
 */
export function queryJsonPath(value: unknown, path: string, cache?: JsonTextCache): unknown[] {
  if (!path.trimStart().startsWith('$')) throw new Error(`JSONPath "${path}" must start with "$"`);
  const json = parseJsonText(value, cache);
  if (json === null || json === undefined) return [];
  let matches: unknown;
  try {
    countCacheUse();
    matches = JSONPath({ path: path.trim(), json, wrap: true, eval: RegexFreeScript, ignoreEvalErrors: true });
  } catch (error) {
    throw new Error(`invalid JSONPath "${path}": ${(error as Error).message}`);
  }
  return Array.isArray(matches) ? matches : [];
}

/**
 * Whether a JSONPath names at most one node (`$.items[0].id`) rather than a set (wildcards,
 * recursive descent, filters, slices, unions). Assertions use it to decide between "the value" and
 * "the list of matches", as Jayway JsonPath does. (A quoted key holding ":" or "," reads as indefinite.)
 */
export function isDefiniteJsonPath(path: string): boolean {
  countCacheUse();
  return JSONPath.toPathArray(path.trim()).every(
    (token) =>
      token !== '*' &&
      token !== '..' &&
      !token.startsWith('?(') &&
      !(token.startsWith('@') && token.endsWith('()')) &&
      !/[:,]/.test(token),
  );
}

function parseJsonText(value: unknown, cache?: JsonTextCache): unknown {
  if (typeof value === 'string') {
    const parsed = parseJsonContainer(value, cache);
    return parsed === undefined ? value : parseJsonText(parsed, cache);
  }
  if (Array.isArray(value)) return value.map((item) => parseJsonText(item, cache));
  if (value !== null && typeof value === 'object') {
    // fromEntries defines own properties, so a "__proto__" key stays data instead of a prototype.
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, parseJsonText(item, cache)]));
  }
  return value;
}
