import { SubstitutionError } from './substitution-error';
import type { SubstitutionScope } from './substitution-scope';
import { substitute } from './substitute';

const NOW = Date.parse('2025-03-01T12:00:00.000Z');

function scope(overrides: Partial<SubstitutionScope> = {}): SubstitutionScope {
  return {
    variables: {
      orderId: 'o-42',
      count: 3,
      enabled: false,
      nothing: null,
      user: { name: 'Ada', tags: ['admin', 'ops'], address: { city: 'Paris' } },
      'tenant-id': 't-1',
    },
    steps: {
      order: {
        status: 'SUCCESS',
        request: { method: 'POST', body: { sku: 'A-1' } },
        response: {
          status: 201,
          headers: { 'content-type': 'application/json', 'x.trace': 'tr-1' },
          // Bodies often arrive as JSON text: paths must reach into them.
          body: '{"id": 7, "items": [{"sku": "A-1", "id": "i-1"}, {"sku": "B-2", "id": "i-2"}], "total": 12.5}',
        },
      },
      rows: { status: 'SUCCESS', response: { rows: [{ count: '5' }], rowCount: 1 } },
      plain: { status: 'SUCCESS', response: { body: 'hello' } },
    },
    env: { API_URL: 'http://127.0.0.1:8080' },
    ...overrides,
  };
}

const run = <T>(value: T, s = scope()) => substitute(value, s, { now: () => NOW });

function errorOf(action: () => unknown): SubstitutionError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(SubstitutionError);
    return error as SubstitutionError;
  }
  throw new Error('expected a SubstitutionError');
}

describe('substitute', () => {
  describe('variables', () => {
    it('replaces a whole-string reference by the raw value, keeping its type', () => {
      expect(run('${orderId}')).toBe('o-42');
      expect(run('${count}')).toBe(3);
      expect(run('${enabled}')).toBe(false);
      expect(run('${nothing}')).toBeNull();
      expect(run('${user}')).toEqual({ name: 'Ada', tags: ['admin', 'ops'], address: { city: 'Paris' } });
      expect(run('${user.tags}')).toEqual(['admin', 'ops']);
    });

    it('walks paths into variable values', () => {
      expect(run('${user.name}')).toBe('Ada');
      expect(run('${user.tags[1]}')).toBe('ops');
      expect(run('${user.tags[-1]}')).toBe('ops');
      expect(run('${user.tags.length}')).toBe(2);
      expect(run('${user.address.city}')).toBe('Paris');
      expect(run('${user["address"]["city"]}')).toBe('Paris');
      expect(run('${tenant-id}')).toBe('t-1');
    });

    it('accepts whitespace inside the braces', () => {
      expect(run('${ orderId }')).toBe('o-42');
    });

    it('interpolates values into surrounding text', () => {
      expect(run('/orders/${orderId}/items?n=${count}')).toBe('/orders/o-42/items?n=3');
      expect(run('flag=${enabled} none=${nothing}')).toBe('flag=false none=null');
      expect(run('user=${user.address}')).toBe('user={"city":"Paris"}');
      expect(run('tags=${user.tags}')).toBe('tags=["admin","ops"]');
      expect(run('${orderId}${count}')).toBe('o-423');
    });

    it('returns a copy of object values, so mutating the result cannot change the scope', () => {
      const s = scope();
      const result = run({ u: '${user}' }, s) as unknown as { u: { name: string } };
      result.u.name = 'changed';
      expect((s.variables.user as { name: string }).name).toBe('Ada');
    });
  });

  describe('steps', () => {
    it('reads status, request and response', () => {
      expect(run('${order.status}')).toBe('SUCCESS');
      expect(run('${order.request.body.sku}')).toBe('A-1');
      expect(run('${order.response.status}')).toBe(201);
      expect(run('${order.response.headers.content-type}')).toBe('application/json');
      expect(run('${order.response.headers["x.trace"]}')).toBe('tr-1');
      expect(run("${order.response.headers['x.trace']}")).toBe('tr-1');
    });

    it('parses JSON text bodies on the way', () => {
      expect(run('${order.response.body.id}')).toBe(7);
      expect(run('${order.response.body.items[1].id}')).toBe('i-2');
      expect(run('${order.response.body.items.length}')).toBe(2);
      expect(run('${order.response.body.total}')).toBe(12.5);
      expect(run('${rows.response.rows[0].count}')).toBe('5');
    });

    it('keeps a JSON text body as text when the path ends on it', () => {
      expect(typeof run('${order.response.body}')).toBe('string');
    });

    it('prefers a step over a variable of the same name', () => {
      const s = scope({ variables: { order: 'variable' } });
      expect(run('${order.status}', s)).toBe('SUCCESS');
    });
  });

  describe('JSONPath', () => {
    it('returns the first match of jsonpath(...)', () => {
      expect(run(`\${jsonpath(order.response, '$.body.items[?(@.sku == "B-2")].id')}`)).toBe('i-2');
      expect(run(`\${jsonpath(order.response.body, "$.items[*].id")}`)).toBe('i-1');
      expect(run(`\${jsonpath(user, '$.tags[1]')}`)).toBe('ops');
    });

    it('returns every match of jsonpathAll(...), possibly none', () => {
      expect(run(`\${jsonpathAll(order.response.body, '$.items[*].sku')}`)).toEqual(['A-1', 'B-2']);
      expect(run(`\${jsonpathAll(order.response.body, '$.items[?(@.sku == "Z")]')}`)).toEqual([]);
    });

    it('allows "}" inside the quoted JSONPath', () => {
      const s = scope({ variables: { data: { list: [{ name: 'a}b', v: 1 }] } } });
      expect(run(`\${jsonpath(data, '$.list[?(@.name == "a}b")].v')}`, s)).toBe(1);
    });

    it('fails naming the path when nothing matches', () => {
      const error = errorOf(() => run({ id: `\${jsonpath(order.response.body, '$.items[?(@.sku == "Z")].id')}` }));
      expect(error.message).toContain('matched nothing');
      expect(error.message).toContain('$.items[?(@.sku == "Z")].id');
      expect(error.path).toBe('/id');
    });

    it('fails on an invalid JSONPath', () => {
      expect(() => run(`\${jsonpath(order.response.body, '$.items[?(@.sku ==)]')}`)).toThrow(/invalid JSONPath/);
    });

    it('fails when the source reference is unresolved', () => {
      expect(() => run(`\${jsonpath(nope.response, '$.a')}`)).toThrow('unknown variable or step "nope"');
    });
  });

  describe('functions', () => {
    it('uuid() gives a v4 UUID', () => {
      expect(run('${uuid()}')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(run('${uuid()}')).not.toBe(run('${uuid()}'));
    });

    it('now() gives an ISO string, with offsets', () => {
      expect(run('${now()}')).toBe('2025-03-01T12:00:00.000Z');
      expect(run('${now("+5m")}')).toBe('2025-03-01T12:05:00.000Z');
      expect(run("${now('-1h')}")).toBe('2025-03-01T11:00:00.000Z');
      expect(run('${now("+30s")}')).toBe('2025-03-01T12:00:30.000Z');
      expect(run('${now("+2d")}')).toBe('2025-03-03T12:00:00.000Z');
    });

    it('nowMs() gives epoch millis, with offsets', () => {
      expect(run('${nowMs()}')).toBe(NOW);
      expect(run('${nowMs("+5m")}')).toBe(NOW + 300_000);
      expect(run('${nowMs("-1h")}')).toBe(NOW - 3_600_000);
      expect(run('since=${nowMs("-30s")}')).toBe(`since=${NOW - 30_000}`);
    });

    it('uses the real clock by default', () => {
      const before = Date.now();
      const value = substitute('${nowMs()}', scope()) as unknown as number;
      expect(value).toBeGreaterThanOrEqual(before);
      expect(value).toBeLessThanOrEqual(Date.now());
    });

    it('randomInt(a, b) stays within the inclusive bounds', () => {
      const seen = new Set<number>();
      for (let i = 0; i < 300; i++) seen.add(run('${randomInt(1, 3)}') as unknown as number);
      expect([...seen].sort()).toEqual([1, 2, 3]);
      expect(run('${randomInt(-2, -2)}')).toBe(-2);
    });

    it('randomInt takes references as arguments', () => {
      expect(run('${randomInt(count, count)}')).toBe(3);
    });

    it('randomInt refuses min > max and non-integers', () => {
      expect(() => run('${randomInt(5, 1)}')).toThrow('min 5 is greater than max 1');
      expect(() => run('${randomInt(orderId, 5)}')).toThrow(/argument 1 must be an integer, got "o-42"/);
    });

    it('randomString(n) gives n alphanumeric characters', () => {
      expect(run('${randomString(24)}')).toMatch(/^[A-Za-z0-9]{24}$/);
      expect(run('${randomString(0)}')).toBe('');
      expect(run('id-${randomString(4)}')).toMatch(/^id-[A-Za-z0-9]{4}$/);
    });

    it('env.NAME reads the allow-listed environment', () => {
      expect(run('${env.API_URL}/health')).toBe('http://127.0.0.1:8080/health');
    });

    it('env.NAME fails naming a variable that is not allowed or not set', () => {
      const error = errorOf(() => run({ url: '${env.SECRET_KEY}' }));
      expect(error.message).toBe('${env.SECRET_KEY}: environment variable "SECRET_KEY" is not allowed or not set');
      expect(error.path).toBe('/url');
    });

    it('an unknown function is an error naming it', () => {
      expect(() => run('${guid()}')).toThrow(/unknown function "guid"/);
    });

    it('nested calls evaluate inner calls first', () => {
      expect(run('${randomString(randomInt(3, 3))}')).toMatch(/^[A-Za-z0-9]{3}$/);
    });
  });

  describe('escapes', () => {
    it('$${...} yields literal ${...}', () => {
      expect(run('$${literal}')).toBe('${literal}');
      expect(run('cost: $${price} for ${orderId}')).toBe('cost: ${price} for o-42');
    });

    it('leaves lone dollars and braces alone', () => {
      expect(run('$5 {a} $ {b} $$')).toBe('$5 {a} $ {b} $$');
    });
  });

  describe('walking values', () => {
    it('substitutes strings deep inside objects and arrays, leaving keys and other values', () => {
      const config = {
        url: '${env.API_URL}/orders/${orderId}',
        headers: { 'X-Id': '${orderId}', '${orderId}': 'key stays' },
        body: { qty: '${count}', items: ['${user.name}', 1, true, null, { deep: ['${user.tags[0]}'] }] },
        timeoutMs: 1000,
      };
      expect(run(config)).toEqual({
        url: 'http://127.0.0.1:8080/orders/o-42',
        headers: { 'X-Id': 'o-42', '${orderId}': 'key stays' },
        body: { qty: 3, items: ['Ada', 1, true, null, { deep: ['admin'] }] },
        timeoutMs: 1000,
      });
    });

    it('does not mutate the input', () => {
      const config = { a: ['${orderId}'] };
      run(config);
      expect(config).toEqual({ a: ['${orderId}'] });
    });

    it('keeps a "__proto__" key as data', () => {
      const config = JSON.parse('{"__proto__": {"x": "${orderId}"}}') as Record<string, unknown>;
      const result = run(config);
      expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
      expect(Object.hasOwn(result, '__proto__')).toBe(true);
    });

    it('passes through non-string scalars and non-plain objects', () => {
      const date = new Date(0);
      expect(run(5)).toBe(5);
      expect(run(null)).toBeNull();
      expect(run({ d: date }).d).toBe(date);
    });
  });

  describe('errors', () => {
    it('names an unknown variable or step and where it is', () => {
      const error = errorOf(() => run({ headers: { 'X-Id': '${missing}' } }));
      expect(error.message).toBe('${missing}: unknown variable or step "missing"');
      expect(error.reference).toBe('${missing}');
      expect(error.path).toBe('/headers/X-Id');
    });

    it('names the step and the path that has no value', () => {
      const error = errorOf(() => run({ body: ['x', 'id=${order.response.body.customer.id}'] }));
      expect(error.message).toMatch(
        /^\$\{order\.response\.body\.customer\.id\}: step "order" has no value at "response\.body\.customer\.id"/,
      );
      expect(error.reason).toContain('order.response.body has no field "customer"');
      expect(error.path).toBe('/body/1');
    });

    it('explains out-of-range indexes, nulls, non-JSON strings and arrays used as objects', () => {
      expect(() => run('${order.response.body.items[5].id}')).toThrow('order.response.body.items has 2 item(s), so no index 5');
      expect(() => run('${nothing.x}')).toThrow('variable "nothing" has no value at "x" (nothing is null)');
      expect(() => run('${plain.response.body.x}')).toThrow('plain.response.body is a string that is not a JSON object or array');
      expect(() => run('${user.tags.first}')).toThrow('user.tags is an array');
      expect(() => run('${count.x}')).toThrow('count is a number');
      expect(() => run('${order.response.body.id[0]}')).toThrow('order.response.body.id is a number');
    });

    it('does not reach into prototypes', () => {
      expect(() => run('${user.constructor}')).toThrow('has no field "constructor"');
      expect(() => run('${toString}')).toThrow('unknown variable or step "toString"');
      expect(() => run('${__proto__}')).toThrow('unknown variable or step "__proto__"');
    });

    it('reports a step that exists but has no result yet', () => {
      const s = scope({ steps: { later: { status: 'PENDING' } } });
      expect(() => run('${later.response.body.id}', s)).toThrow(
        '${later.response.body.id}: step "later" has no value at "response.body.id" (later has no field "response")',
      );
    });

    it('escapes JSON pointer tokens', () => {
      expect(errorOf(() => run({ 'a/b': { 'c~d': '${missing}' } })).path).toBe('/a~1b/c~0d');
    });

    it('prefixes the pointer given in options', () => {
      const error = errorOf(() => substitute({ url: '${missing}' }, scope(), { pointer: '/steps/2/config' }));
      expect(error.path).toBe('/steps/2/config/url');
    });

    it('reports syntax errors and unterminated templates with their location', () => {
      const syntax = errorOf(() => run({ a: '${user..name}' }));
      expect(syntax.path).toBe('/a');
      expect(syntax.message).toContain('${user..name}');
      const unterminated = errorOf(() => run({ a: ['ok', 'price ${orderId'] }));
      expect(unterminated.message).toContain('unterminated "${"');
      expect(unterminated.path).toBe('/a/1');
    });

    it('stops at the first error', () => {
      const error = errorOf(() => run({ a: '${first}', b: '${second}' }));
      expect(error.message).toContain('"first"');
    });
  });
});
