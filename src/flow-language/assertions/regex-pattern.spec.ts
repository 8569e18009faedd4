import { compilePattern, formatPattern, type CompiledPattern } from './regex-pattern';

const compiled = (pattern: string): CompiledPattern => {
  const result = compilePattern(pattern);
  if (typeof result === 'string') throw new Error(`expected ${pattern} to compile: ${result}`);
  return result;
};

describe('compilePattern', () => {
  it('compiles bare sources and /literal/flags, matching anywhere in the text', () => {
    expect(compiled('^a\\d$').test('a1')).toBe(true);
    expect(compiled('^a\\d$').test('a12')).toBe(false);
    expect(compiled('b\\d').test('ab1c')).toBe(true);
    expect(compiled('/^abc$/i').test('ABC')).toBe(true);
    expect(compiled('/a\\/b/').test('xa/b')).toBe(true);
  });

  it('keeps the JavaScript syntax testers write: named groups, \\u escapes, classes', () => {
    expect(compiled('^(?<id>ord-[0-9]+)$').test('ord-42')).toBe(true);
    expect(compiled('^\\u0041$').test('A')).toBe(true);
    expect(compiled('^[^\\]]+$').test('abc')).toBe(true);
  });

  it('supports the m and s flags and accepts g, y, d, u as no-ops', () => {
    expect(compiled('/^b$/m').test('a\nb')).toBe(true);
    expect(compiled('/^b$/').test('a\nb')).toBe(false);
    expect(compiled('/a.b/s').test('a\nb')).toBe(true);
    expect(compiled('/a.b/').test('a\nb')).toBe(false);
    const stateless = compiled('/a/gyu');
    expect([stateless.test('a'), stateless.test('a')]).toEqual([true, true]);
  });

  it('matches catastrophic patterns in linear time', () => {
    const started = Date.now();
    expect(compiled('^(a+)+$').test(`${'a'.repeat(100_000)}!`)).toBe(false);
    expect(compiled('^(a|aa)*$').test(`${'a'.repeat(100_000)}!`)).toBe(false);
    // Generous bound: the backtracking engine takes longer than this for 30 characters.
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('refuses backreferences and lookaround, saying why', () => {
    expect(compilePattern('(a)\\1')).toBe('backreferences (\\1...) are not supported by the linear-time regex engine');
    expect(compilePattern('(?<x>a)\\k<x>')).toMatch(/^backreferences .* not supported by the linear-time regex engine$/);
    for (const lookaround of ['a(?=b)', 'a(?!b)', '(?<=a)b', '(?<!a)b']) {
      expect(compilePattern(lookaround)).toMatch(/^lookahead and lookbehind .* not supported by the linear-time regex engine$/);
    }
  });

  it('does not mistake escaped or bracketed look-alikes for unsupported syntax', () => {
    expect(compiled('\\(\\?=').test('(?=')).toBe(true);
    expect(compiled('[(?=]+').test('=')).toBe(true);
    expect(compiled('\\\\1').test('\\1')).toBe(true);
  });

  it('returns the reason for an invalid pattern or flags', () => {
    expect(compilePattern('(')).toBe('missing closing )');
    expect(compilePattern('[unclosed')).toMatch(/missing closing \]/);
    expect(compilePattern('/a/q')).toMatch(/^Invalid flags "q"/);
  });
});

describe('formatPattern', () => {
  it('shows bare sources between slashes and keeps literals', () => {
    expect(formatPattern('^a$')).toBe('/^a$/');
    expect(formatPattern('/a/i')).toBe('/a/i');
  });
});
