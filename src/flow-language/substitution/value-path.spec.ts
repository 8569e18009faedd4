import { formatValuePath, parseJsonContainer, parseValuePath, resolveValuePath, ValuePathSyntaxError } from './value-path';

describe('parseValuePath', () => {
  it.each([
    ['status', ['status']],
    ['body.items[0].id', ['body', 'items', 0, 'id']],
    ['headers.content-type', ['headers', 'content-type']],
    ['headers["x.y"]', ['headers', 'x.y']],
    ["headers['x.y'].z", ['headers', 'x.y', 'z']],
    ['rows[0].col', ['rows', 0, 'col']],
    ['items[-1]', ['items', -1]],
    ['m[0][1]', ['m', 0, 1]],
    ['["a b"]', ['a b']],
    ['items.0.id', ['items', '0', 'id']],
    ['a["q\\"uote"]', ['a', 'q"uote']],
    ['$weird:name', ['$weird:name']],
  ])('parses %j', (text, segments) => {
    expect(parseValuePath(text)).toEqual(segments);
  });

  it.each([
    ['', 'the path is empty at character 1'],
    ['a..b', 'unexpected "." at character 3'],
    ['.a', 'unexpected "." at character 1'],
    ['a.', 'the path ends with "." at character 2'],
    ['a b', 'unexpected " " at character 2'],
    ['a[0]b', 'unexpected "b" at character 5'],
    ['a[x]', 'expected an index or a quoted name after "[" at character 2'],
    ['a[1.5]', 'expected "]" at character 4'],
    ['a["x"', 'expected "]" at character 6'],
    ["a['x]", 'unterminated quoted name at character 3'],
    ['a]', 'unexpected "]" at character 2'],
  ])('refuses %j', (text, message) => {
    expect(() => parseValuePath(text)).toThrow(ValuePathSyntaxError);
    expect(() => parseValuePath(text)).toThrow(message);
  });
});

describe('formatValuePath', () => {
  it('round-trips with parseValuePath', () => {
    for (const text of ['a.b[0].c', 'headers.content-type', 'a["x.y"]["with space"][2]', 'a[-1]', '["a b"].c']) {
      expect(formatValuePath(parseValuePath(text))).toBe(text);
    }
  });

  it('quotes names that a bare name cannot hold', () => {
    expect(formatValuePath(['a', '', 'it\'s', 'x"y'])).toBe('a[""]["it\'s"]["x\\"y"]');
    expect(parseValuePath(formatValuePath(['a', 'x"y\n']))).toEqual(['a', 'x"y\n']);
  });
});

describe('resolveValuePath', () => {
  const data = {
    status: 200,
    nothing: null,
    headers: { 'content-type': 'text/plain' },
    body: '{"items":[{"id":1},{"id":2}],"nested":"{\\"deep\\":true}"}',
    text: 'not json',
    numberText: '42',
    empty: [],
  };

  it('walks objects, arrays and negative indexes', () => {
    expect(resolveValuePath(data, ['status'])).toEqual({ found: true, value: 200 });
    expect(resolveValuePath(data, ['headers', 'content-type'])).toEqual({ found: true, value: 'text/plain' });
    expect(resolveValuePath(data, ['body', 'items', -1, 'id'])).toEqual({ found: true, value: 2 });
    expect(resolveValuePath(data, ['body', 'items', '0', 'id'])).toEqual({ found: true, value: 1 });
    expect(resolveValuePath(data, ['body', 'items', 'length'])).toEqual({ found: true, value: 2 });
    expect(resolveValuePath(data, [])).toEqual({ found: true, value: data });
    expect(resolveValuePath(data, ['nothing'])).toEqual({ found: true, value: null });
  });

  it('parses JSON text at any depth while walking', () => {
    expect(resolveValuePath(data, ['body', 'nested', 'deep'])).toEqual({ found: true, value: true });
    expect(resolveValuePath('[1, [2, 3]]', [1, 0])).toEqual({ found: true, value: 2 });
  });

  it.each([
    [['missing'], 0, 'has no field "missing"'],
    [['nothing', 'x'], 1, 'is null'],
    [['status', 'x'], 1, 'is a number'],
    [['text', 'x'], 1, 'is a string that is not a JSON object or array'],
    [['numberText', 'x'], 1, 'is a string that is not a JSON object or array'],
    [['body', 'items', 5], 2, 'has 2 item(s), so no index 5'],
    [['body', 'items', -3], 2, 'has 2 item(s), so no index -3'],
    [['empty', 0], 1, 'is an empty array'],
    [['body', 'items', 'id'], 2, 'is an array (use an index such as [0] instead of "id")'],
    [['headers', 0], 1, 'is an object, not an array (no index 0)'],
    [['constructor'], 0, 'has no field "constructor"'],
    [['__proto__'], 0, 'has no field "__proto__"'],
  ])('explains why %j has no value', (segments, depth, reason) => {
    expect(resolveValuePath(data, segments)).toEqual({ found: false, depth, reason });
  });

  it('treats undefined as missing', () => {
    expect(resolveValuePath(undefined, [])).toEqual({ found: false, depth: 0, reason: 'is missing' });
    expect(resolveValuePath({ a: undefined }, ['a'])).toEqual({ found: false, depth: 0, reason: 'has no field "a"' });
    expect(resolveValuePath(undefined, ['a'])).toEqual({ found: false, depth: 0, reason: 'is missing' });
  });

  it('parses each JSON text once per cache', () => {
    const cache = new Map<string, unknown>();
    const parse = jest.spyOn(JSON, 'parse');
    try {
      resolveValuePath(data, ['body', 'items', 0], cache);
      resolveValuePath(data, ['body', 'items', 1], cache);
      resolveValuePath(data, ['text', 'x'], cache);
      resolveValuePath(data, ['text', 'y'], cache);
      expect(parse).toHaveBeenCalledTimes(1); // 'not json' is not attempted: it does not start with { or [
    } finally {
      parse.mockRestore();
    }
  });
});

describe('parseJsonContainer', () => {
  it('returns objects and arrays only', () => {
    expect(parseJsonContainer(' {"a":1}')).toEqual({ a: 1 });
    expect(parseJsonContainer('[1]')).toEqual([1]);
    expect(parseJsonContainer('42')).toBeUndefined();
    expect(parseJsonContainer('"s"')).toBeUndefined();
    expect(parseJsonContainer('{broken')).toBeUndefined();
  });

  it('remembers broken JSON in the cache too', () => {
    const cache = new Map<string, unknown>();
    expect(parseJsonContainer('{broken', cache)).toBeUndefined();
    expect(parseJsonContainer('{broken', cache)).toBeUndefined();
    expect(cache.size).toBe(1);
  });
});
