import type { FieldProblem } from '../errors/app.exception';

/** In unicode mode a paired surrogate is one code point, so only unpaired ones are category Cs. */
const LONE_SURROGATE = /\p{Cs}/u;

/** Deeper than the body-parser nesting limit (64) ever lets through; a guard, not a rule. */
const MAX_DEPTH = 100;

/**
 * Text that no part of the service can store or process, found anywhere in a request value (keys
 * included) and named by its path: the NUL character (Postgres refuses U+0000 in text and jsonb) and
 * unpaired UTF-16 surrogates (not Unicode; validator.js throws on them, Postgres refuses them in jsonb).
 * Checked before validation so the 400 names the field, e.g. `steps.0.config.url: ...`, instead of a
 * database error surfacing as "body: ...".
 */
export function textProblems(value: unknown, path = '', depth = 0): FieldProblem[] {
  if (typeof value === 'string') return stringProblem(value, path);
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return [];
  const problems: FieldProblem[] = [];
  const entries: Array<[string, unknown]> = Array.isArray(value) ? value.map((item, index) => [String(index), item]) : Object.entries(value);
  for (const [key, item] of entries) {
    const at = path ? `${path}.${key}` : key;
    if (!Array.isArray(value)) problems.push(...stringProblem(key, at, 'field name'));
    problems.push(...textProblems(item, at, depth + 1));
  }
  return problems;
}

function stringProblem(text: string, field: string, what = 'text'): FieldProblem[] {
  if (text.includes('\u0000')) return [{ field: field || 'body', message: `${what} must not contain the NUL character (U+0000)` }];
  if (LONE_SURROGATE.test(text)) return [{ field: field || 'body', message: `${what} is not valid Unicode (unpaired UTF-16 surrogate)` }];
  return [];
}
