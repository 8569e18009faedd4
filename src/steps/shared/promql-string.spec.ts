import fc from 'fast-check';
import { unquoteGoString } from '../../../test/support/fake-loki-server';
import { escapePromQLLabelValue, quotePromQLString } from './promql-string';

// Go interpreted string literal, as PromQL's lexer accepts it (same rules as LogQL's).
const GO_STRING = new RegExp(String.raw`^"(?:[^"\\\n]|\\(?:[abfnrtv\\"]|x[0-9a-fA-F]{2}|[0-7]{3}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}))*"$`, 'u');

describe('escapePromQLLabelValue', () => {
  it.each([
    ['api', 'api'],
    ['a"b', String.raw`a\"b`],
    [String.raw`a\b`, String.raw`a\\b`],
    ['a\nb\rc\td', String.raw`a\nb\rc\td`],
    ['\u0001', String.raw`\x01`],
    ['日本 😀', '日本 😀'],
    ["o'brien", "o'brien"],
  ])('%j → %s', (value, escaped) => {
    expect(escapePromQLLabelValue(value)).toBe(escaped);
  });

  it('builds a literal that Go unquotes to the same text, for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (value) => {
        const literal = quotePromQLString(value);
        expect(literal).toMatch(GO_STRING);
        expect(unquoteGoString(literal)).toBe(value);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses unpaired surrogates and non-strings, naming the field', () => {
    expect(() => escapePromQLLabelValue('\ud800', 'labels.job')).toThrow('labels.job: contains an unpaired UTF-16 surrogate');
    expect(() => escapePromQLLabelValue(undefined as unknown as string, 'labels.job')).toThrow('labels.job: expected a string, got undefined');
  });
});
