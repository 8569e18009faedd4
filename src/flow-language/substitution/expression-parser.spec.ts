import { BUILTIN_FUNCTION_NAMES } from './builtin-functions';
import { parseExpression } from './expression-parser';
import { SubstitutionError } from './substitution-error';

function parseError(expression: string): SubstitutionError {
  try {
    parseExpression(expression);
  } catch (error) {
    expect(error).toBeInstanceOf(SubstitutionError);
    return error as SubstitutionError;
  }
  throw new Error(`expected "${expression}" to be refused`);
}

describe('parseExpression', () => {
  it('parses references into a root and a path', () => {
    expect(parseExpression('name')).toEqual({ kind: 'reference', root: 'name', path: [] });
    expect(parseExpression('order.response.body.items[0].id')).toEqual({
      kind: 'reference',
      root: 'order',
      path: ['response', 'body', 'items', 0, 'id'],
    });
    expect(parseExpression('s.response.headers.content-type')).toEqual({
      kind: 'reference',
      root: 's',
      path: ['response', 'headers', 'content-type'],
    });
    expect(parseExpression('s.headers["a b"]')).toEqual({ kind: 'reference', root: 's', path: ['headers', 'a b'] });
    expect(parseExpression('["create order"].status')).toEqual({ kind: 'reference', root: 'create order', path: ['status'] });
    expect(parseExpression('env.API_URL')).toEqual({ kind: 'reference', root: 'env', path: ['API_URL'] });
  });

  it('parses calls with number, string and reference arguments', () => {
    expect(parseExpression('uuid()')).toEqual({ kind: 'call', name: 'uuid', args: [] });
    expect(parseExpression(' randomInt( -5 , 10 ) ')).toEqual({
      kind: 'call',
      name: 'randomInt',
      args: [
        { kind: 'literal', value: -5 },
        { kind: 'literal', value: 10 },
      ],
    });
    expect(parseExpression(`jsonpath(order.response, '$.items[?(@.sku == "A-1")].id')`)).toEqual({
      kind: 'call',
      name: 'jsonpath',
      args: [
        { kind: 'reference', root: 'order', path: ['response'] },
        { kind: 'literal', value: '$.items[?(@.sku == "A-1")].id' },
      ],
    });
    expect(parseExpression('randomString(randomInt(1, 2))')).toMatchObject({
      kind: 'call',
      args: [{ kind: 'call', name: 'randomInt' }],
    });
  });

  it('reads escapes in single- and double-quoted strings', () => {
    const arg = (expression: string) => (parseExpression(expression) as { args: Array<{ value: unknown }> }).args[1].value;
    expect(arg(`jsonpath(a, '$[\\'it\\'s\\']')`)).toBe("$['it's']");
    expect(arg(`jsonpath(a, "$[\\"q\\"]")`)).toBe('$["q"]');
    expect(arg(`jsonpath(a, '$.a\\\\b')`)).toBe('$.a\\b');
    expect(arg(`jsonpath(a, '$.\\u0041')`)).toBe('$.A');
    expect(arg(`jsonpath(a, '$[?(@.match(/\\d+/))]')`)).toBe('$[?(@.match(/\\d+/))]');
  });

  it.each([
    ['', /the expression is empty/],
    ['   ', /the expression is empty/],
    ['"text"', /not a literal/],
    ['42', /not a literal/],
    ['a..b', /unexpected "." at character 3/],
    ['a.', /ends with "."/],
    ['a[x]', /expected an index or a quoted name/],
    ['a["x]', /unterminated quoted name/],
    ['a[0', /missing "]"/],
    ['a b', /unexpected "b" at character 3/],
    ['[0].x', /must start with a variable or step name/],
    ['uuid(', /missing "\)"/],
    ['uuid() x', /unexpected "x"/],
    ['randomInt(1,)', /expected an argument/],
    ['randomInt(1 2)', /unexpected "2"/],
    ['now("+5m)', /unterminated string/],
    ['env', /exactly one variable name/],
    ['env.A.B', /exactly one variable name/],
    ['a.b(1)', /not a valid function name/],
  ])('refuses %j', (expression, message) => {
    const error = parseError(expression);
    expect(error.message).toMatch(message);
    expect(error.reference).toBe(`\${${expression}}`);
  });

  it('refuses unknown functions, naming them and the known ones', () => {
    const error = parseError('guid()');
    expect(error.message).toContain('unknown function "guid"');
    expect(error.message).toContain('uuid, now, nowMs');
    expect(parseError('constructor()').message).toContain('unknown function "constructor"');
  });

  it('checks argument counts', () => {
    expect(parseError('uuid(1)').message).toContain('uuid() takes 0 argument(s), got 1');
    expect(parseError('randomInt(1)').message).toContain('randomInt(min, max) takes 2 argument(s), got 1');
    expect(parseError('now(1, 2)').message).toContain('now(offset?) takes 0 to 1 argument(s), got 2');
  });

  it('checks literal arguments on parse', () => {
    expect(parseError('now("5 minutes")').message).toContain('the offset must be a string such as "+5m"');
    expect(parseError('nowMs(5)').message).toContain('the offset must be a string');
    expect(parseError('randomInt(1.5, 2)').message).toContain('argument 1 must be an integer');
    expect(parseError('randomString(-1)').message).toContain('the length must be an integer from 0 to 10000');
    expect(parseError('randomString(10001)').message).toContain('from 0 to 10000');
    expect(parseError("jsonpath(a, 'items[0]')").message).toContain('starting with "$"');
  });

  it('leaves reference arguments to run time', () => {
    expect(() => parseExpression('randomInt(min, max)')).not.toThrow();
    expect(() => parseExpression('now(offset)')).not.toThrow();
  });

  it('exports the builtin function names', () => {
    expect(BUILTIN_FUNCTION_NAMES).toEqual(['uuid', 'now', 'nowMs', 'randomInt', 'randomString', 'jsonpath', 'jsonpathAll']);
  });
});
