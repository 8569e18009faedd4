import { RE2JS } from 're2js';

/** A compiled user pattern; `test` finds a match anywhere in the text (as RegExp.test without g/y). */
export interface CompiledPattern {
  test(text: string): boolean;
}

/**
 * JavaScript flags a pattern literal may carry. i, m and s change matching; g, y, d and u are accepted
 * and ignored: g/y are stateful (one compiled pattern is tested repeatedly), d only adds indices, and
 * RE2 always matches by code point as u does.
 */
const FLAG_BITS: Readonly<Record<string, number>> = {
  i: RE2JS.CASE_INSENSITIVE,
  m: RE2JS.MULTILINE,
  s: RE2JS.DOTALL,
  g: 0,
  y: 0,
  d: 0,
  u: 0,
};

/**
 * Compiles a user-written pattern: either a bare source (`^2\d\d$`) or a literal with flags (`/abc/i`).
 * Returns the reason (e.g. "missing closing ]") when the pattern is invalid.
 *
 * Patterns come from tenants and run in a shared worker, where a step timeout cannot interrupt
 * synchronous code: on JavaScript's backtracking engine `^(a+)+$` against a few dozen characters
 * blocks the whole process. RE2 (re2js, pure JavaScript) matches in time linear in the input, at the
 * price of refusing the two features that need backtracking: backreferences and lookaround.
 */
export function compilePattern(pattern: string): CompiledPattern | string {
  const literal = /^\/(.*)\/([a-z]*)$/s.exec(pattern);
  const source = literal ? literal[1] : pattern;
  let flags = 0;
  for (const flag of new Set(literal ? literal[2] : '')) {
    if (!Object.hasOwn(FLAG_BITS, flag)) return `Invalid flags "${literal![2]}": only i, m and s change matching`;
    flags |= FLAG_BITS[flag];
  }
  const unsupported = backtrackingFeature(source);
  if (unsupported) return `${unsupported} are not supported by the linear-time regex engine`;
  try {
    return RE2JS.compile(RE2JS.translateRegExp(source), flags);
  } catch (error) {
    // "error parsing regexp: missing closing ]: `[a`": the pattern is shown beside the reason already.
    return (error as Error).message.replace(/^error parsing regexp: /, '').replace(/: `.*`$/s, '');
  }
}

/**
 * Names the backreference or lookaround in `source`, if any. RE2 rejects most of them itself, but with
 * messages about escapes and Perl syntax a tester would not connect to the cause, and
 * `translateRegExp` turns a named backreference `\k<x>` into the literal text "k<x>" instead of failing.
 */
function backtrackingFeature(source: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      if (!inClass && (/[1-9]/.test(next) || (next === 'k' && source[i + 2] === '<'))) return `backreferences (\\${next}...)`;
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
    } else if (c === '(' && /^\(\?(?:[=!]|<[=!])/.test(source.slice(i, i + 4))) {
      return 'lookahead and lookbehind assertions ((?=, (?!, (?<=, (?<!)';
    }
  }
  return undefined;
}

/** The pattern as users recognise it: `/^2\d\d$/`. */
export function formatPattern(pattern: string): string {
  return /^\/.*\/[a-z]*$/s.test(pattern) ? pattern : `/${pattern}/`;
}
