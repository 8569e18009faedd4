import fc from 'fast-check';
import { parseLogQL, unquoteGoString } from '../../../test/support/fake-loki-server';
import { buildLogQuery, LABEL_NAME_PATTERN, quoteLogQLString } from './logql-builder';

// A Go interpreted string literal as Loki's lexer (text/scanner + strutil.Unquote) accepts it,
// written from the Go spec independently of the builder: no raw newline, no bare quote or backslash,
// only the Go escapes.
const GO_STRING = String.raw`"(?:[^"\\\n]|\\(?:[abfnrtv\\"]|x[0-9a-fA-F]{2}|[0-7]{3}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}))*"`;
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*';
const QUERY_GRAMMAR = new RegExp(`^\\{${LABEL}=${GO_STRING}(?:, ${LABEL}=${GO_STRING})*\\}(?: (?:\\|=|!=|\\|~) ${GO_STRING})*$`, 'u');
const STRING_GRAMMAR = new RegExp(`^${GO_STRING}$`, 'u');

describe('quoteLogQLString', () => {
  it.each([
    ['plain', 'error', '"error"'],
    ['double quote', 'say "hi"', String.raw`"say \"hi\""`],
    ['backslash', String.raw`C:\temp\new`, String.raw`"C:\\temp\\new"`],
    ['backslash before quote', String.raw`\"`, String.raw`"\\\""`],
    ['newline', 'a\nb', String.raw`"a\nb"`],
    ['carriage return and tab', 'a\r\tb', String.raw`"a\r\tb"`],
    ['other control characters', '\u0000\u0007\u001b\u007f', String.raw`"\x00\x07\x1b\x7f"`],
    ['unicode, kept as UTF-8', 'naïve ☃ 日本 😀', '"naïve ☃ 日本 😀"'],
    ['backtick and single quote need nothing', "it's `x`", '"it\'s `x`"'],
    ['regex metacharacters stay as written', String.raw`\d+\.json`, String.raw`"\\d+\\.json"`],
    ['empty', '', '""'],
  ])('%s', (_name, value, expected) => {
    const quoted = quoteLogQLString(value);
    expect(quoted).toBe(expected);
    expect(quoted).toMatch(STRING_GRAMMAR);
    expect(unquoteGoString(quoted)).toBe(value);
  });

  it('round-trips any well-formed string through Go unquoting', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (value) => {
        const quoted = quoteLogQLString(value);
        expect(quoted).toMatch(STRING_GRAMMAR);
        expect(unquoteGoString(quoted)).toBe(value);
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips strings made of the characters that need escaping', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('\\', '"', '\n', '\r', '\t', '\u0000', 'a', '\u00e9', '\u{1F600}', '|', '}', '`', "'")), (chars) => {
        const value = chars.join('');
        expect(unquoteGoString(quoteLogQLString(value))).toBe(value);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses an unpaired surrogate, which has no UTF-8 form', () => {
    expect(() => quoteLogQLString('bad \ud800 value', 'labels.app')).toThrow(/labels\.app: contains an unpaired UTF-16 surrogate/);
    expect(() => quoteLogQLString('\udc00')).toThrow(/unpaired/);
    expect(quoteLogQLString('\ud83d\ude00')).toBe('"😀"');
  });
});

describe('buildLogQuery', () => {
  it('builds the selector and the line filters in order', () => {
    const query = buildLogQuery({
      labels: { app: 'api-service', env: 'prod' },
      namespace: 'production',
      containsPatterns: ['error', 'OutOfMemoryError'],
      notContainsPatterns: ['test'],
      regexPatterns: ['took [0-9]+ms'],
    });
    expect(query).toBe(
      '{namespace="production", app="api-service", env="prod"} |= "error" |= "OutOfMemoryError" != "test" |~ "took [0-9]+ms"',
    );
    expect(query).toMatch(QUERY_GRAMMAR);
  });

  it('escapes hostile label values and patterns so they stay one literal each', () => {
    const hostile = 'x"} |= "" or {job=~".+';
    const query = buildLogQuery({
      labels: { app: hostile, path: String.raw`C:\logs` },
      containsPatterns: ['line1\nline2', 'tab\there', 'quote " and \\ backslash'],
      notContainsPatterns: ['ünïcødé ☃'],
      regexPatterns: [String.raw`user=\d+ "ok"`],
    });
    expect(query).toMatch(QUERY_GRAMMAR);
    expect(query).not.toContain('\n');
    const parsed = parseLogQL(query);
    expect(parsed.matchers).toEqual([
      { name: 'app', op: '=', value: hostile },
      { name: 'path', op: '=', value: String.raw`C:\logs` },
    ]);
    expect(parsed.filters).toEqual([
      { op: '|=', value: 'line1\nline2' },
      { op: '|=', value: 'tab\there' },
      { op: '|=', value: 'quote " and \\ backslash' },
      { op: '!=', value: 'ünïcødé ☃' },
      { op: '|~', value: String.raw`user=\d+ "ok"` },
    ]);
  });

  it('parses back to exactly the inputs for arbitrary values (property)', () => {
    const labelName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,8}$/);
    const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 });
    fc.assert(
      fc.property(fc.dictionary(labelName, text, { minKeys: 1, maxKeys: 4 }), fc.array(text, { maxLength: 3 }), fc.array(text, { maxLength: 3 }), (labels, contains, notContains) => {
        const query = buildLogQuery({ labels, containsPatterns: contains, notContainsPatterns: notContains });
        expect(query).toMatch(QUERY_GRAMMAR);
        const parsed = parseLogQL(query);
        expect(parsed.matchers).toEqual(Object.entries(labels).map(([name, value]) => ({ name, op: '=', value })));
        expect(parsed.filters).toEqual([...contains.map((value) => ({ op: '|=', value })), ...notContains.map((value) => ({ op: '!=', value }))]);
      }),
      { numRuns: 300 },
    );
  });

  it('adds namespace first unless the labels already have one', () => {
    expect(buildLogQuery({ labels: { app: 'a' }, namespace: 'staging' })).toBe('{namespace="staging", app="a"}');
    expect(buildLogQuery({ labels: { app: 'a', namespace: 'mine' }, namespace: 'staging' })).toBe('{app="a", namespace="mine"}');
    expect(buildLogQuery({ labels: {}, namespace: 'staging' })).toBe('{namespace="staging"}');
    expect(buildLogQuery({ labels: { app: 'a' }, namespace: '' })).toBe('{app="a"}');
  });

  it('escapes the namespace too', () => {
    const query = buildLogQuery({ labels: {}, namespace: 'a"b\\c' });
    expect(query).toBe(String.raw`{namespace="a\"b\\c"}`);
    expect(parseLogQL(query).matchers[0].value).toBe('a"b\\c');
  });

  it.each(['1app', 'app-name', 'app.name', 'app name', '', 'ünï', 'a"b', 'a}'])('refuses the label name %j', (name) => {
    expect(LABEL_NAME_PATTERN.test(name)).toBe(false);
    expect(() => buildLogQuery({ labels: { [name]: 'x' } })).toThrow(/is not a valid Loki label name/);
  });

  it('accepts label names Loki accepts', () => {
    expect(buildLogQuery({ labels: { _private: '1', A9_z: '2', __name__: '3' } })).toBe('{_private="1", A9_z="2", __name__="3"}');
  });

  it('refuses a selector without a non-empty value, as Loki would', () => {
    expect(() => buildLogQuery({ labels: {} })).toThrow(/at least one label with a non-empty value/);
    expect(() => buildLogQuery({ labels: { app: '' } })).toThrow(/at least one label with a non-empty value/);
    expect(() => buildLogQuery({ labels: { app: '', env: '' }, namespace: '' })).toThrow(/non-empty/);
    // An empty value beside a non-empty one is valid LogQL ("label absent").
    expect(buildLogQuery({ labels: { app: 'a', canary: '' } })).toBe('{app="a", canary=""}');
    expect(() => parseLogQL('{app="a", canary=""}')).not.toThrow();
  });

  it('names the field of a bad value', () => {
    expect(() => buildLogQuery({ labels: { app: 42 as unknown as string } })).toThrow(/labels\.app: label values must be strings, got number/);
    expect(() => buildLogQuery({ labels: { app: 'a' }, containsPatterns: [''] })).toThrow(/containsPatterns\[0\]: must not be empty/);
    expect(() => buildLogQuery({ labels: { app: 'a' }, notContainsPatterns: ['ok', null as unknown as string] })).toThrow(/notContainsPatterns\[1\]: expected a string, got null/);
    expect(() => buildLogQuery({ labels: { app: 'a' }, regexPatterns: 'x' as unknown as string[] })).toThrow(/regexPatterns: expected a list/);
    expect(() => buildLogQuery({ labels: { app: 'x\udfff' } })).toThrow(/labels\.app: contains an unpaired/);
    expect(() => buildLogQuery({ labels: [] as unknown as Record<string, string> })).toThrow(/labels: expected an object/);
  });

  it('treats missing pattern lists as none', () => {
    expect(buildLogQuery({ labels: { app: 'a' }, containsPatterns: undefined, notContainsPatterns: [], regexPatterns: undefined })).toBe('{app="a"}');
  });
});
