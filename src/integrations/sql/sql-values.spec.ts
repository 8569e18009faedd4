import { containsTemplateReference, toJsonSafeRows, toJsonSafeValue, toNamedParameters } from './sql-values';

describe('toJsonSafeValue', () => {
  it('keeps big integers and decimals as strings', () => {
    expect(toJsonSafeValue(9_007_199_254_740_993n)).toBe('9007199254740993');
    expect(toJsonSafeValue(-5n)).toBe('-5');
    // What pg returns for int8 / numeric and mysql2 for DECIMAL: already strings, kept.
    expect(toJsonSafeValue('9223372036854775807')).toBe('9223372036854775807');
    expect(toJsonSafeValue('12345678901234567890.123456789')).toBe('12345678901234567890.123456789');
  });

  it('converts dates to ISO strings and an invalid date to null', () => {
    expect(toJsonSafeValue(new Date(Date.UTC(2026, 4, 1, 12, 0, 0, 5)))).toBe('2026-05-01T12:00:00.005Z');
    expect(toJsonSafeValue(new Date(Number.NaN))).toBeNull();
  });

  it('converts binary to base64', () => {
    expect(toJsonSafeValue(Buffer.from([0, 1, 2, 255]))).toBe('AAEC/w==');
    expect(toJsonSafeValue(new Uint8Array([104, 105]))).toBe('aGk=');
    const slice = Buffer.from('xxhixx').subarray(2, 4);
    expect(toJsonSafeValue(slice)).toBe('aGk=');
  });

  it('keeps booleans, finite numbers, strings and null; undefined becomes null', () => {
    expect(toJsonSafeValue(true)).toBe(true);
    expect(toJsonSafeValue(0)).toBe(0);
    expect(toJsonSafeValue(-1.5)).toBe(-1.5);
    expect(toJsonSafeValue('')).toBe('');
    expect(toJsonSafeValue(null)).toBeNull();
    expect(toJsonSafeValue(undefined)).toBeNull();
  });

  it('writes non-finite floats as strings JSON can carry', () => {
    expect(toJsonSafeValue(Number.NaN)).toBe('NaN');
    expect(toJsonSafeValue(Number.POSITIVE_INFINITY)).toBe('Infinity');
    expect(toJsonSafeValue(Number.NEGATIVE_INFINITY)).toBe('-Infinity');
  });

  it('converts arrays and objects (pg arrays, json columns) deeply', () => {
    const value = { ids: [1n, 2n], at: new Date(0), nested: { blob: Buffer.from('a'), ok: null } };
    expect(toJsonSafeValue(value)).toEqual({ ids: ['1', '2'], at: '1970-01-01T00:00:00.000Z', nested: { blob: 'YQ==', ok: null } });
    expect(JSON.parse(JSON.stringify(toJsonSafeValue(value)))).toEqual(toJsonSafeValue(value));
  });
});

describe('toJsonSafeRows', () => {
  it('converts every column and keeps column names', () => {
    const rows = [{ id: 1n, name: 'a', created_at: new Date(0), active: true, avatar: null }];
    expect(toJsonSafeRows(rows)).toEqual([{ id: '1', name: 'a', created_at: '1970-01-01T00:00:00.000Z', active: true, avatar: null }]);
  });
});

describe('toNamedParameters: postgres', () => {
  it('numbers placeholders in order of first use and reuses the index for a repeated name', () => {
    expect(toNamedParameters('SELECT * FROM t WHERE a = :a AND b = :b OR a2 = :a', { a: 1, b: 'x' }, 'postgres')).toEqual({
      text: 'SELECT * FROM t WHERE a = $1 AND b = $2 OR a2 = $1',
      values: [1, 'x'],
    });
  });

  it('leaves casts, strings, identifiers, comments and dollar-quoted bodies alone', () => {
    const query = [
      "SELECT :id::int, ':not_a', E'it\\'s :nope', \"col:umn\", $$ :body $$, $fn$ :tagged $fn$",
      '-- :comment',
      '/* :block /* :nested */ :still */ FROM t WHERE x = :x AND ts::date = :day',
    ].join('\n');
    const bound = toNamedParameters(query, { id: '7', x: 1, day: '2026-05-01' }, 'postgres');
    expect(bound.values).toEqual(['7', 1, '2026-05-01']);
    expect(bound.text).toBe(
      [
        "SELECT $1::int, ':not_a', E'it\\'s :nope', \"col:umn\", $$ :body $$, $fn$ :tagged $fn$",
        '-- :comment',
        '/* :block /* :nested */ :still */ FROM t WHERE x = $2 AND ts::date = $3',
      ].join('\n'),
    );
  });

  it("handles doubled quotes inside strings ('it''s :x')", () => {
    expect(toNamedParameters("SELECT 'it''s :x', :y", { y: 2 }, 'postgres')).toEqual({ text: "SELECT 'it''s :x', $1", values: [2] });
  });

  it('does not take array slices or times for placeholders', () => {
    expect(toNamedParameters('SELECT arr[lo:hi], arr[1:2] FROM t WHERE id = ANY(:ids)', { ids: [1, 2] }, 'postgres')).toEqual({
      text: 'SELECT arr[lo:hi], arr[1:2] FROM t WHERE id = ANY($1)',
      values: [[1, 2]],
    });
  });

  it('passes values through untouched (the driver binds them)', () => {
    const hostile = "'; DROP TABLE users; --";
    expect(toNamedParameters('SELECT * FROM users WHERE name = :name', { name: hostile }, 'postgres')).toEqual({
      text: 'SELECT * FROM users WHERE name = $1',
      values: [hostile],
    });
  });

  it('leaves a query without placeholders as is', () => {
    expect(toNamedParameters('SELECT 1', undefined, 'postgres')).toEqual({ text: 'SELECT 1', values: [] });
    expect(toNamedParameters('SELECT $1', {}, 'postgres')).toEqual({ text: 'SELECT $1', values: [] });
  });

  it('refuses to mix named and positional placeholders', () => {
    expect(() => toNamedParameters('SELECT :a, $1', { a: 1 }, 'postgres')).toThrow(/mixes named \(:name\) and positional \(\$1\) placeholders/);
  });
});

describe('toNamedParameters: mysql', () => {
  it('uses ? and repeats the value of a repeated name', () => {
    expect(toNamedParameters('SELECT * FROM t WHERE a = :a AND b = :b OR c = :a', { a: 1, b: 'x' }, 'mysql')).toEqual({
      text: 'SELECT * FROM t WHERE a = ? AND b = ? OR c = ?',
      values: [1, 'x', 1],
    });
  });

  it("follows MySQL's quoting: backslash escapes, double-quoted strings, backticks, # and -- comments", () => {
    const query = "SELECT 'a\\' :no', \"b:c \\\" :no\", `weird:col`, @v := 1 # :comment\n-- :comment too\nFROM t WHERE x = :x AND y = 1--1";
    expect(toNamedParameters(query, { x: 5 }, 'mysql')).toEqual({
      text: "SELECT 'a\\' :no', \"b:c \\\" :no\", `weird:col`, @v := 1 # :comment\n-- :comment too\nFROM t WHERE x = ? AND y = 1--1",
      values: [5],
    });
  });

  it('refuses to mix named and ? placeholders', () => {
    expect(() => toNamedParameters('SELECT :a, ?', { a: 1 }, 'mysql')).toThrow(/positional \(\?\)/);
  });
});

describe('toNamedParameters: errors', () => {
  it('names a placeholder without a parameter', () => {
    expect(() => toNamedParameters('SELECT :id, :other', { id: 1 }, 'postgres')).toThrow(
      'parameters: the query uses :other but no such parameter is given (given: id)',
    );
    expect(() => toNamedParameters('SELECT :id', undefined, 'mysql')).toThrow('parameters: the query uses :id but no such parameter is given');
  });

  it('names a parameter the query does not use', () => {
    expect(() => toNamedParameters('SELECT :id', { id: 1, idd: 2 }, 'postgres')).toThrow('parameters: idd is not used in the query (no :idd placeholder)');
    expect(() => toNamedParameters("SELECT ':id'", { id: 1 }, 'postgres')).toThrow(/id is not used/);
  });

  it('refuses an undefined value (null is a value)', () => {
    expect(() => toNamedParameters('SELECT :a', { a: undefined }, 'postgres')).toThrow('parameters.a: has no value');
    expect(toNamedParameters('SELECT :a', { a: null }, 'postgres').values).toEqual([null]);
  });

  it('refuses an unknown dialect', () => {
    expect(() => toNamedParameters('SELECT 1', {}, 'oracle' as never)).toThrow('Unknown SQL dialect "oracle"');
  });
});

describe('containsTemplateReference', () => {
  it.each([
    ['SELECT * FROM t WHERE id = ${create.response.body.id}', true],
    ["SELECT '${x}'", true],
    ['SELECT * FROM t WHERE id = :id', false],
    ['SELECT $1, $$body$$', false],
    ['SELECT {x}', false],
  ])('%s → %s', (query, expected) => {
    expect(containsTemplateReference(query)).toBe(expected);
  });
});
