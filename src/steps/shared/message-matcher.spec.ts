import { createMessageMatcher, decodeMessageValue } from './message-matcher';

const order = JSON.stringify({ orderId: 'abc', status: 'CREATED', total: 42, items: [{ sku: 'x1', qty: 2 }], deleted: false, note: null });

describe('createMessageMatcher: exact', () => {
  const matcher = createMessageMatcher({ matchType: 'exact', pattern: '"orderId":"abc"' });

  it('matches when the value contains the text', () => {
    expect(matcher(order)).toEqual({ matched: true });
    expect(matcher('prefix "orderId":"abc" suffix, not JSON')).toEqual({ matched: true });
  });

  it('is case-sensitive and literal', () => {
    expect(matcher(order.replace('abc', 'ABC'))).toEqual({ matched: false });
    expect(createMessageMatcher({ matchType: 'exact', pattern: 'a.c' })('abc')).toEqual({ matched: false });
    expect(createMessageMatcher({ matchType: 'exact', pattern: 'ünï ☃' })('x ünï ☃ y').matched).toBe(true);
  });

  it('never matches a null (tombstone) value', () => {
    expect(matcher(null)).toEqual({ matched: false });
  });
});

describe('createMessageMatcher: jsonpath', () => {
  const match = (pattern: string, value: string | null) => createMessageMatcher({ matchType: 'jsonpath', pattern })(value);

  it('matches when the path selects something and returns the parsed message', () => {
    expect(match('$.orderId', order)).toEqual({ matched: true, parsed: JSON.parse(order) });
    expect(match('$.items[0].sku', order).matched).toBe(true);
    expect(match('$.missing', order)).toEqual({ matched: false, parsed: JSON.parse(order) });
  });

  it('counts an existing field even when it is false or null', () => {
    expect(match('$.deleted', order).matched).toBe(true);
    expect(match('$.note', order).matched).toBe(true);
  });

  describe('a root filter tests the message itself', () => {
    it.each([
      ["$[?(@.orderId == 'abc')]", true],
      ['$[?(@.orderId == "abc")]', true],
      ["$[?(@.orderId == 'zzz')]", false],
      ["$[?(@.orderId === 'abc' && @.total > 40)]", true],
      ["$[?(@.orderId === 'abc' && @.total > 50)]", false],
      ["$[?(@.status == 'CREATED')].items[?(@.qty >= 2)]", true],
      ['$[?(@.items.length == 1)]', true],
    ])('%s on a single object → %s', (pattern, expected) => {
      expect(match(pattern, order).matched).toBe(expected);
    });

    it('does not match a nested child that happens to satisfy the filter', () => {
      expect(match("$[?(@.orderId == 'abc')]", JSON.stringify({ wrapper: { orderId: 'abc' } })).matched).toBe(false);
    });

    it('keeps the standard meaning on an array message: each element is tested', () => {
      const batch = JSON.stringify([{ orderId: 'zzz' }, { orderId: 'abc' }]);
      expect(match("$[?(@.orderId == 'abc')]", batch).matched).toBe(true);
      expect(match("$[?(@.orderId == 'nope')]", batch).matched).toBe(false);
    });

    it('treats a filter that reads a missing field as false instead of failing the message', () => {
      expect(match('$[?(@.customer.id == 7)]', order).matched).toBe(false);
      expect(match('$[?(@.customer.id == 7)]', JSON.stringify({ customer: { id: 7 } })).matched).toBe(true);
      const mixed = JSON.stringify([{}, { customer: { id: 7 } }]);
      expect(match('$[?(@.customer.id == 7)]', mixed).matched).toBe(true);
    });
  });

  it('filters and recursive descent below the root keep their usual meaning', () => {
    expect(match("$.items[?(@.sku == 'x1')]", order).matched).toBe(true);
    expect(match("$..[?(@.sku == 'x1')]", order).matched).toBe(true);
    expect(match('$..qty', order).matched).toBe(true);
  });

  it('does not match values that are not JSON, and gives no parsed value for them', () => {
    expect(match('$.orderId', 'orderId=abc')).toEqual({ matched: false });
    expect(match('$.orderId', '')).toEqual({ matched: false });
    expect(match('$.orderId', null)).toEqual({ matched: false });
  });

  it('handles scalar and null JSON documents', () => {
    expect(match('$', '"text"')).toEqual({ matched: true, parsed: 'text' });
    expect(match('$', '42').matched).toBe(true);
    expect(match('$.a', 'null')).toEqual({ matched: false, parsed: null });
    expect(match("$[?(@ == 'x')]", '"x"').matched).toBe(true);
  });

  it.each([
    ['orderId', /must start with \$/],
    ['.orderId', /must start with \$/],
    ['$[', /missing "\]"/],
    ['$.a]', /unexpected "\]"/],
    ["$['abc]", /unterminated ' string/],
    ['$[?(@.a ==)]', /in \?\(@\.a ==\): Expected expression after ==/],
    ['$[?(@.a == (1)]', /missing "\]"|unexpected/],
    ['$.items[?(@.qty >>> )]', /is not a valid JSONPath/],
  ])('refuses the invalid JSONPath %s when created', (pattern, message) => {
    expect(() => createMessageMatcher({ matchType: 'jsonpath', pattern })).toThrow(message);
    expect(() => createMessageMatcher({ matchType: 'jsonpath', pattern })).toThrow(/^searchPattern\.pattern: /);
  });
});

describe('createMessageMatcher: configuration errors', () => {
  it.each([
    [{ matchType: 'exact', pattern: '' }, 'searchPattern.pattern: must be a non-empty string'],
    [{ matchType: 'jsonpath', pattern: 42 }, 'searchPattern.pattern: must be a non-empty string'],
    [{ matchType: 'regex', pattern: 'x' }, 'searchPattern.matchType: "regex" is not one of exact, contains, jsonpath, header'],
    [
      { matchType: 'jsonpath', pattern: '$[?(@.id.match(/^(a+)+$/))]' },
      'searchPattern.pattern: "$[?(@.id.match(/^(a+)+$/))]" is not a valid JSONPath: in ?(@.id.match(/^(a+)+$/)): the regular expression /^(a+)+$/ is not allowed in a JSONPath filter',
    ],
    [null, 'searchPattern: expected { matchType, pattern }'],
  ])('%j', (pattern, message) => {
    expect(() => createMessageMatcher(pattern as never)).toThrow(message);
  });
});

describe('decodeMessageValue', () => {
  it('keeps a null value (tombstone) as null', () => {
    expect(decodeMessageValue(null)).toBeNull();
    expect(decodeMessageValue(undefined)).toBeNull();
  });

  it('parses JSON objects and arrays', () => {
    expect(decodeMessageValue(Buffer.from(order))).toEqual(JSON.parse(order));
    expect(decodeMessageValue(Buffer.from('  [1, 2]'))).toEqual([1, 2]);
    expect(decodeMessageValue(new TextEncoder().encode('{"a":"ünï"}'))).toEqual({ a: 'ünï' });
  });

  it('keeps text, scalar JSON and broken JSON as the text sent', () => {
    expect(decodeMessageValue(Buffer.from('hello'))).toBe('hello');
    expect(decodeMessageValue(Buffer.from('42'))).toBe('42');
    expect(decodeMessageValue(Buffer.from('true'))).toBe('true');
    expect(decodeMessageValue(Buffer.from('{"a":'))).toBe('{"a":');
    expect(decodeMessageValue(Buffer.from(''))).toBe('');
  });

  it('drops a UTF-8 byte-order mark and replaces invalid bytes', () => {
    expect(decodeMessageValue(Buffer.from('\uFEFF{"a":1}'))).toEqual({ a: 1 });
    expect(decodeMessageValue(Buffer.from([0x61, 0xff, 0x62]))).toBe('a\uFFFDb');
    expect(decodeMessageValue('\uFEFFplain')).toBe('plain');
  });
});

describe('createMessageMatcher: header', () => {
  const matcher = createMessageMatcher({ matchType: 'header', header: 'X-Correlation-Id', pattern: 'corr-1' });

  it('matches the exact header value, the name in any case', () => {
    expect(matcher(null, { 'X-Correlation-Id': 'corr-1' })).toEqual({ matched: true });
    expect(matcher('{"a":1}', { 'x-correlation-id': 'corr-1' })).toEqual({ matched: true });
  });

  it('matches one value of a repeated header', () => {
    expect(matcher(null, { 'x-correlation-id': ['other', 'corr-1'] }).matched).toBe(true);
  });

  it('does not match another value, a prefix, the value in the body or no headers', () => {
    expect(matcher(null, { 'x-correlation-id': 'corr-10' }).matched).toBe(false);
    expect(matcher(null, { 'x-correlation-id': 'CORR-1' }).matched).toBe(false);
    expect(matcher('corr-1', { other: 'corr-1' }).matched).toBe(false);
    expect(matcher('corr-1').matched).toBe(false);
  });

  it('requires the header name', () => {
    expect(() => createMessageMatcher({ matchType: 'header', pattern: 'x' })).toThrow(/^searchPattern\.header: the header name to match is required/);
  });
});
