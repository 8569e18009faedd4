import { isDefiniteJsonPath, queryJsonPath } from './json-path-query';

describe('queryJsonPath', () => {
  const order = {
    body: JSON.stringify({ items: [{ sku: 'A-1', id: 1 }, { sku: 'B-2', id: 2, tags: { hot: true } }] }),
  };

  it('returns every match, parsing JSON text first', () => {
    expect(queryJsonPath(order, '$.body.items[*].id')).toEqual([1, 2]);
    expect(queryJsonPath(order.body, '$.items[?(@.sku == "A-1")].id')).toEqual([1]);
    expect(queryJsonPath(order, '$..sku')).toEqual(['A-1', 'B-2']);
  });

  it('treats a filter that throws on one node as not matching it', () => {
    expect(queryJsonPath(order, '$.body.items[?(@.tags.hot == true)].id')).toEqual([2]);
  });

  it('returns [] on no match, null and primitives', () => {
    expect(queryJsonPath(order, '$.body.nothing')).toEqual([]);
    expect(queryJsonPath(null, '$.a')).toEqual([]);
    expect(queryJsonPath(undefined, '$.a')).toEqual([]);
    expect(queryJsonPath(5, '$')).toEqual([5]);
  });

  it('does not run arbitrary code in filters', () => {
    expect(queryJsonPath(order, '$.body.items[?(process.exit(1))]')).toEqual([]);
    expect(queryJsonPath(order, '$.body.items[?(@.constructor.constructor("return 1")())]')).toEqual([]);
  });

  it('refuses regexes in filters, which would run on the backtracking engine', () => {
    expect(() => queryJsonPath(order, '$.body.items[?(@.sku.match("^(a+)+$"))]')).toThrow(/\.match\(\) is not allowed in a JSONPath filter/);
  });

  it('refuses a path not starting with $ and a syntax error', () => {
    expect(() => queryJsonPath(order, 'items[0]')).toThrow('JSONPath "items[0]" must start with "$"');
    expect(() => queryJsonPath(order, '$.body.items[?(@.sku ==)]')).toThrow(/^invalid JSONPath/);
  });

  it('keeps "__proto__" keys as data', () => {
    const value = JSON.parse('{"__proto__": {"polluted": 1}, "a": "{\\"__proto__\\": 2}"}');
    expect(queryJsonPath(value, '$.a.__proto__')).toEqual([2]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('isDefiniteJsonPath', () => {
  it.each([
    ['$', true],
    ['$.items[0].id', true],
    ["$['a']['b']", true],
    ['$.items.length', true],
    ['$.items[*].id', false],
    ['$..id', false],
    ['$.items[?(@.sku == "A")]', false],
    ['$.items[0:2]', false],
    ['$.items[0,1]', false],
    ['$..*@string()', false],
  ])('%s → %s', (path, definite) => {
    expect(isDefiniteJsonPath(path)).toBe(definite);
  });
});

describe('jsonpath-plus cache bound', () => {
  it('clears the library cache periodically so unique paths do not accumulate', () => {
    const { JSONPath } = jest.requireActual<typeof import('jsonpath-plus')>('jsonpath-plus');
    const clear = jest.spyOn(JSONPath, 'clearCache');
    try {
      for (let i = 0; i < 2_000; i++) queryJsonPath({ a: i }, `$.a`);
      expect(clear.mock.calls.length).toBeGreaterThanOrEqual(1);
    } finally {
      clear.mockRestore();
    }
  });
});
