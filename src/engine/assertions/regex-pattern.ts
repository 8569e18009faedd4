/**
 * Compiles the `matches` pattern: either a bare source (`^2\d\d$`) or a literal with flags (`/abc/i`).
 * The stateful flags g and y are dropped so one RegExp can be tested repeatedly.
 * Returns the engine's reason (e.g. "Unterminated character class") when the pattern is invalid.
 *
 * Patterns come from flow authors and run in the worker. JavaScript regexes have no backtracking
 * limit and a step timeout cannot interrupt synchronous code, so a catastrophic pattern on a large
 * value blocks the worker. Accepted because only authenticated team members write flows; this is the
 * one place to swap in RE2 if that changes.
 */
export function compilePattern(pattern: string): RegExp | string {
  const literal = /^\/(.*)\/([a-z]*)$/s.exec(pattern);
  const source = literal ? literal[1] : pattern;
  const flags = literal ? literal[2].replace(/[gy]/g, '') : '';
  try {
    return new RegExp(source, flags);
  } catch (error) {
    return (error as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
  }
}

/** The pattern as users recognise it: `/^2\d\d$/`. */
export function formatPattern(pattern: string): string {
  return /^\/.*\/[a-z]*$/s.test(pattern) ? pattern : `/${pattern}/`;
}
