import { isDefiniteJsonPath, queryJsonPath } from '../substitution/json-path-query';
import {
  formatValuePath,
  parseValuePath,
  resolveValuePath,
  ValuePathSyntaxError,
  type JsonTextCache,
} from '../substitution/value-path';

export type AssertionPathResolution =
  | { found: true; value: unknown }
  /** `detail` says where the walk stopped when that is not simply "the last field is absent". */
  | { found: false; detail?: string }
  | { invalid: string };

/**
 * The value an assertion path names in a step result. Paths starting with `$` are JSONPath: a path
 * that names one node (`$.items[0].id`) gives that node, a path that can select several (wildcard,
 * filter, `..`, slice, union) gives the array of matches, and no match at all means "does not exist".
 * Anything else is a plain path, walked like `${...}` references (JSON text parsed on the way).
 */
export function resolveAssertionPath(result: unknown, path: string, cache?: JsonTextCache): AssertionPathResolution {
  const text = path.trim();
  if (text.startsWith('$')) {
    let matches: unknown[];
    try {
      matches = queryJsonPath(result, text, cache);
    } catch (error) {
      return { invalid: (error as Error).message };
    }
    if (matches.length === 0) return { found: false };
    return { found: true, value: isDefiniteJsonPath(text) ? matches[0] : matches };
  }
  let segments;
  try {
    segments = parseValuePath(text);
  } catch (error) {
    if (error instanceof ValuePathSyntaxError) return { invalid: `invalid path: ${error.message}` };
    throw error;
  }
  const resolution = resolveValuePath(result, segments, cache);
  if (resolution.found) return resolution;
  const lastFieldAbsent = resolution.depth === segments.length - 1 && resolution.reason.startsWith('has no field');
  if (lastFieldAbsent) return { found: false };
  const where = resolution.depth === 0 ? 'the result' : formatValuePath(segments.slice(0, resolution.depth));
  return { found: false, detail: `${where} ${resolution.reason}` };
}

/** Syntax problem of a plain assertion path, for validation on save; JSONPath is checked when it runs. */
export function assertionPathProblem(path: string): string | undefined {
  const text = path.trim();
  if (text.startsWith('$')) return undefined;
  try {
    parseValuePath(text);
    return undefined;
  } catch (error) {
    if (error instanceof ValuePathSyntaxError) return error.message;
    throw error;
  }
}
