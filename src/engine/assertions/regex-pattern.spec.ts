import { compilePattern, formatPattern } from './regex-pattern';

describe('compilePattern', () => {
  it('compiles bare sources and /literal/flags', () => {
    expect((compilePattern('^a\\d$') as RegExp).test('a1')).toBe(true);
    expect((compilePattern('/^abc$/i') as RegExp).test('ABC')).toBe(true);
    expect((compilePattern('/a/b/') as RegExp).source).toBe('a\\/b');
  });

  it('drops stateful flags so repeated tests agree', () => {
    const regex = compilePattern('/a/gy') as RegExp;
    expect(regex.flags).toBe('');
    expect([regex.test('a'), regex.test('a')]).toEqual([true, true]);
  });

  it('returns the reason for an invalid pattern or flags', () => {
    expect(compilePattern('(')).toBe('Unterminated group');
    expect(compilePattern('/a/q')).toMatch(/Invalid flags/);
  });
});

describe('formatPattern', () => {
  it('shows bare sources between slashes and keeps literals', () => {
    expect(formatPattern('^a$')).toBe('/^a$/');
    expect(formatPattern('/a/i')).toBe('/a/i');
  });
});
