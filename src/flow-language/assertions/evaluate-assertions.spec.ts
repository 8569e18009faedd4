import type { Assertion, AssertionOperator } from './assertion';
import { evaluateAssertion, evaluateAssertions } from './evaluate-assertions';

const http = {
  status: 201,
  headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': '42', 'x.trace': 'tr-1' },
  body: JSON.stringify({
    id: 'ord-123',
    total: 12.5,
    createdAt: '2025-03-01T12:00:00Z',
    items: [
      { sku: 'A-1', qty: 2 },
      { sku: 'B-2', qty: 1 },
    ],
    tags: ['new', 'paid'],
    customer: { name: 'Ada', vip: true },
    note: null,
    empty: '',
  }),
};
const sql = { rows: [{ count: '5', col: 'x', amount: '12.50' }], rowCount: 1 };
const prometheus = { comparison: { anomalyDetected: false, percentageChange: 4.2 } };

const check = (result: unknown, path: string, operator: AssertionOperator, expected?: unknown) =>
  evaluateAssertion(result, { path, operator, expected });

describe('evaluateAssertions', () => {
  it('returns one result per assertion with path, operator, expected, actual, passed and message', () => {
    const results = evaluateAssertions(http, [
      { path: 'status', operator: 'equals', expected: 201 },
      { path: 'status', operator: 'equals', expected: 500 },
    ]);
    expect(results).toEqual([
      { path: 'status', operator: 'equals', expected: 201, actual: 201, passed: true, message: 'status: expected 201, was 201' },
      { path: 'status', operator: 'equals', expected: 500, actual: 201, passed: false, message: 'status: expected 500 but was 201' },
    ]);
  });

  it('returns [] for no assertions', () => {
    expect(evaluateAssertions(http, [])).toEqual([]);
  });

  describe('paths', () => {
    it.each([
      [http, 'status', 201],
      [http, 'headers.content-type', 'application/json; charset=utf-8'],
      [http, 'headers["x.y"]', undefined],
      [http, 'headers["x.trace"]', 'tr-1'],
      [http, "headers['x.trace']", 'tr-1'],
      [http, 'body.id', 'ord-123'],
      [http, 'body.items[0].sku', 'A-1'],
      [http, 'body.items[-1].sku', 'B-2'],
      [http, 'body.items.length', 2],
      [http, ' body.customer.name ', 'Ada'],
      [sql, 'rows[0].col', 'x'],
      [prometheus, 'comparison.anomalyDetected', false],
      [http, '$.body.items[1].qty', 1],
      [http, '$.body.items[?(@.sku == "A-1")].qty', [2]],
      [http, '$.body.items[*].sku', ['A-1', 'B-2']],
      [http, '$..qty', [2, 1]],
      [http, '$.body.missing', undefined],
      [http, '$.body.items[?(@.sku == "Z")]', undefined],
    ])('resolves %#: %s', (result, path, actual) => {
      expect(check(result, path, 'equals', 'anything').actual).toEqual(actual);
    });

    it('reports an invalid plain path as a failure, not a throw', () => {
      const result = check(http, 'body..id', 'exists');
      expect(result.passed).toBe(false);
      expect(result.message).toBe('body..id: invalid path: unexpected "." at character 6');
    });

    it('reports an invalid JSONPath as a failure', () => {
      const result = check(http, '$.body.items[?(@.sku ==)]', 'exists');
      expect(result.passed).toBe(false);
      expect(result.message).toMatch(/^\$\.body\.items\[\?\(@\.sku ==\)\]: invalid JSONPath/);
    });

    it('explains where a deeper path stopped', () => {
      expect(check(http, 'body.customer.address.city', 'equals', 'Paris').message).toBe(
        'body.customer.address.city: expected "Paris" but it does not exist (body.customer has no field "address")',
      );
      expect(check(http, 'body.items[5].sku', 'exists').message).toBe(
        'body.items[5].sku: expected to exist (body.items has 2 item(s), so no index 5)',
      );
      expect(check('plain text', 'body', 'exists').message).toBe('body: expected to exist (the result is a string that is not a JSON object or array)');
    });
  });

  describe('equals / notEquals', () => {
    it('compares deeply and strictly', () => {
      expect(check(http, 'body.customer', 'equals', { vip: true, name: 'Ada' }).passed).toBe(true);
      expect(check(http, 'body.tags', 'equals', ['new', 'paid']).passed).toBe(true);
      expect(check(http, 'body.tags', 'equals', ['paid', 'new']).passed).toBe(false);
      expect(check(http, 'body.customer', 'equals', { name: 'Ada' }).passed).toBe(false);
      expect(check(http, 'body.note', 'equals', null).passed).toBe(true);
      expect(check(http, 'status', 'equals', '201').message).toBe('status: expected "201" but was 201');
    });

    it('compares a numeric-string actual with a number expected as numbers', () => {
      expect(check(sql, 'rows[0].count', 'equals', 5).passed).toBe(true);
      expect(check(sql, 'rows[0].amount', 'equals', 12.5).passed).toBe(true);
      expect(check(http, 'headers.content-length', 'equals', 42).passed).toBe(true);
      expect(check(sql, 'rows[0].count', 'equals', 6).message).toBe('rows[0].count: expected 6 but was "5"');
      expect(check(sql, 'rows[0].col', 'equals', 0).passed).toBe(false);
      expect(check(http, 'body.empty', 'equals', 0).passed).toBe(false);
    });

    it('notEquals is the negation', () => {
      expect(check(http, 'status', 'notEquals', 500)).toMatchObject({ passed: true, message: 'status: expected not 500, was 201' });
      expect(check(http, 'status', 'notEquals', 201)).toMatchObject({ passed: false, message: 'status: expected not 201 but was 201' });
      expect(check(sql, 'rows[0].count', 'notEquals', 5).passed).toBe(false);
    });

    it('fails on a missing value, saying so', () => {
      expect(check(http, 'body.nope', 'equals', 1)).toMatchObject({
        passed: false,
        actual: undefined,
        message: 'body.nope: expected 1 but it does not exist',
      });
      expect(check(http, 'body.nope', 'notEquals', 1).passed).toBe(false);
    });

    it('requires an expected value', () => {
      expect(check(http, 'status', 'equals').message).toBe('status: invalid equals assertion: the expected value is required');
    });
  });

  describe('contains / notContains', () => {
    it('looks for text in strings', () => {
      expect(check(http, 'headers.content-type', 'contains', 'json').passed).toBe(true);
      expect(check(http, 'body.id', 'contains', 123).passed).toBe(true);
      expect(check(http, 'body.id', 'contains', 'xyz').message).toBe('body.id: expected to contain "xyz" but was "ord-123"');
      expect(check(http, 'body.id', 'notContains', 'xyz').passed).toBe(true);
      expect(check(http, 'body.id', 'notContains', 'ord').passed).toBe(false);
    });

    it('looks for an equal element in arrays', () => {
      expect(check(http, 'body.tags', 'contains', 'paid').passed).toBe(true);
      expect(check(http, 'body.items', 'contains', { sku: 'B-2', qty: 1 }).passed).toBe(true);
      expect(check(http, 'body.items', 'contains', { sku: 'B-2' }).passed).toBe(false);
      expect(check({ ids: ['1', '2'] }, 'ids', 'contains', 2).passed).toBe(true);
      expect(check(http, 'body.tags', 'notContains', 'refunded').passed).toBe(true);
    });

    it('looks for a subset of fields in objects', () => {
      expect(check(http, 'body.customer', 'contains', { vip: true }).passed).toBe(true);
      expect(check(http, 'body.customer', 'contains', { vip: false }).passed).toBe(false);
      expect(check(http, 'body.customer', 'notContains', { vip: false }).passed).toBe(true);
    });

    it('fails with a reason when the value cannot contain the expected one', () => {
      expect(check(http, 'status', 'contains', 1).message).toBe('status: expected to contain 1 but was 201 (a number cannot contain anything)');
      expect(check(http, 'status', 'notContains', 1).passed).toBe(false);
      expect(check(http, 'body.customer', 'contains', 'Ada').message).toContain('an object can only contain an object of fields');
      expect(check(http, 'body.id', 'contains', { a: 1 }).message).toContain('a string can only contain text');
      expect(check(http, 'body.note', 'contains', 'x').message).toContain('(null cannot contain anything)');
    });
  });

  describe('matches', () => {
    it('tests a regular expression against text, numbers and booleans', () => {
      expect(check(http, 'body.id', 'matches', '^ord-\\d+$')).toMatchObject({
        passed: true,
        message: 'body.id: expected to match /^ord-\\d+$/, was "ord-123"',
      });
      expect(check(http, 'status', 'matches', '^2\\d\\d$').passed).toBe(true);
      expect(check(http, 'body.customer.vip', 'matches', 'true').passed).toBe(true);
      expect(check(http, 'body.customer.name', 'matches', '/^ADA$/i').passed).toBe(true);
      expect(check(http, 'body.customer.name', 'matches', '/^ADA$/gi').passed).toBe(true);
    });

    it('fails with the pattern when it does not match', () => {
      expect(check(http, 'body.id', 'matches', '^inv-')).toMatchObject({
        passed: false,
        message: 'body.id: expected to match /^inv-/ but was "ord-123"',
      });
      expect(check(http, 'body.tags', 'matches', 'new').message).toContain('(not text)');
    });

    it('explains an invalid pattern instead of throwing', () => {
      expect(check(http, 'body.id', 'matches', '[unclosed')).toMatchObject({
        passed: false,
        message: 'body.id: invalid matches assertion: the expected value is not a valid regular expression /[unclosed/ (missing closing ])',
      });
      expect(check(http, 'body.id', 'matches', 5).message).toContain('must be a regular expression string');
    });
  });

  describe('gt / gte / lt / lte', () => {
    it.each([
      ['gt', 10, true],
      ['gt', 12.5, false],
      ['gte', 12.5, true],
      ['gte', 13, false],
      ['lt', 13, true],
      ['lt', 12.5, false],
      ['lte', 12.5, true],
      ['lte', 12, false],
    ] as const)('body.total %s %d → %s', (operator, expected, passed) => {
      expect(check(http, 'body.total', operator, expected).passed).toBe(passed);
    });

    it('writes the comparison into the message', () => {
      expect(check({ body: { total: 3 } }, 'body.total', 'gt', 10).message).toBe('body.total: expected > 10 but was 3');
      expect(check({ body: { total: 3 } }, 'body.total', 'lte', 1).message).toBe('body.total: expected <= 1 but was 3');
    });

    it('compares a numeric-string actual as a number', () => {
      expect(check(sql, 'rows[0].count', 'gt', 4).passed).toBe(true);
      expect(check(sql, 'rows[0].count', 'lt', 4).passed).toBe(false);
    });

    it('compares ISO dates as instants', () => {
      expect(check(http, 'body.createdAt', 'gt', '2025-03-01T11:59:59.999Z').passed).toBe(true);
      expect(check(http, 'body.createdAt', 'gte', '2025-03-01T13:00:00+01:00').passed).toBe(true);
      expect(check(http, 'body.createdAt', 'lt', '2025-03-01').passed).toBe(false);
      expect(check(http, 'body.createdAt', 'lte', '2025-03-02').passed).toBe(true);
    });

    it('fails clearly on values that cannot be ordered', () => {
      expect(check(http, 'body.id', 'gt', 10).message).toBe('body.id: expected > 10 but was "ord-123" (not a number)');
      expect(check(http, 'body.total', 'gt', '2025-01-01').message).toBe(
        'body.total: expected > "2025-01-01" but was 12.5 (not an ISO date)',
      );
      expect(check(http, 'body.note', 'lt', 1).message).toContain('but was null (not a number)');
      expect(check(http, 'body.total', 'gt', 'ten').message).toBe(
        'body.total: invalid gt assertion: the expected value must be a number or an ISO date',
      );
    });
  });

  describe('exists / notExists', () => {
    it('exists passes on any non-null value', () => {
      expect(check(http, 'body.id', 'exists')).toMatchObject({ passed: true, message: 'body.id: expected to exist, was "ord-123"' });
      expect(check(http, 'body.customer.vip', 'exists').passed).toBe(true);
      expect(check(http, 'body.empty', 'exists').passed).toBe(true);
    });

    it('exists fails on a missing or null value', () => {
      expect(check({ body: {} }, 'body.id', 'exists')).toMatchObject({ passed: false, message: 'body.id: expected to exist' });
      expect(check(http, 'body.note', 'exists').message).toBe('body.note: expected to exist but was null');
      expect(check(http, '$.body.items[?(@.sku == "Z")]', 'exists').passed).toBe(false);
    });

    it('notExists passes on a missing or null value and fails otherwise', () => {
      expect(check(http, 'body.error', 'notExists')).toMatchObject({ passed: true, message: 'body.error: expected not to exist, and it does not' });
      expect(check(http, 'body.note', 'notExists').passed).toBe(true);
      expect(check(http, 'body.id', 'notExists')).toMatchObject({ passed: false, message: 'body.id: expected not to exist but was "ord-123"' });
    });
  });

  describe('in / notIn', () => {
    it('checks membership with equals semantics', () => {
      expect(check(http, 'status', 'in', [200, 201])).toMatchObject({ passed: true, message: 'status: expected one of [200,201], was 201' });
      expect(check(http, 'status', 'in', [200, 204])).toMatchObject({ passed: false, message: 'status: expected one of [200,204] but was 201' });
      expect(check(sql, 'rows[0].count', 'in', [5, 6]).passed).toBe(true);
      expect(check(http, 'body.customer', 'in', [{ name: 'Ada', vip: true }]).passed).toBe(true);
      expect(check(http, 'status', 'notIn', [500, 503])).toMatchObject({ passed: true });
      expect(check(http, 'status', 'notIn', [201])).toMatchObject({ passed: false, message: 'status: expected none of [201] but was 201' });
    });

    it('requires an array', () => {
      expect(check(http, 'status', 'in', 201).message).toBe('status: invalid in assertion: the expected value must be an array');
      expect(check(http, 'status', 'notIn', undefined).passed).toBe(false);
    });
  });

  describe('lengthEquals', () => {
    it('measures arrays, strings and objects', () => {
      expect(check(http, 'body.items', 'lengthEquals', 2)).toMatchObject({ passed: true, message: 'body.items: expected length 2, was [{"sku":"A-1","qty":2},{"sku":"B-2","qty":1}]' });
      expect(check(http, 'body.id', 'lengthEquals', 7).passed).toBe(true);
      expect(check(http, 'body.customer', 'lengthEquals', 2).passed).toBe(true);
      expect(check(http, '$.body.items[*]', 'lengthEquals', 2).passed).toBe(true);
    });

    it('fails with the real length', () => {
      expect(check(http, 'body.items', 'lengthEquals', 3).message).toBe('body.items: expected length 3 but length was 2');
      expect(check(http, 'status', 'lengthEquals', 3).message).toBe('status: expected length 3 but was 201 (a number has no length)');
      expect(check(http, 'body.items', 'lengthEquals', -1).message).toContain('must be a non-negative integer');
    });
  });

  describe('isType', () => {
    it.each([
      ['body.id', 'string'],
      ['body.total', 'number'],
      ['body.customer.vip', 'boolean'],
      ['body.customer', 'object'],
      ['body.items', 'array'],
      ['body.note', 'null'],
    ])('%s is %s', (path, type) => {
      expect(check(http, path, 'isType', type).passed).toBe(true);
    });

    it('tells arrays and null apart from objects', () => {
      expect(check(http, 'body.items', 'isType', 'object').message).toMatch(/^body\.items: expected type object but was array \(/);
      expect(check(http, 'body.note', 'isType', 'object').message).toBe('body.note: expected type object but was null (null)');
    });

    it('refuses unknown type names', () => {
      expect(check(http, 'body.id', 'isType', 'integer').message).toBe(
        'body.id: invalid isType assertion: the expected value must be one of string, number, boolean, object, array, null',
      );
    });
  });

  it('reports an unknown operator as a failure', () => {
    const result = evaluateAssertion(http, { path: 'status', operator: 'approximately' } as unknown as Assertion);
    expect(result).toMatchObject({ passed: false, message: 'status: unknown operator "approximately"' });
    expect(evaluateAssertion(http, { path: 'status', operator: 'toString' } as unknown as Assertion).passed).toBe(false);
  });

  it('shortens long actual values in messages but keeps them whole in actual', () => {
    const long = 'x'.repeat(500);
    const result = check({ body: long }, 'body', 'equals', 'y');
    expect(result.actual).toBe(long);
    expect(result.message.length).toBeLessThan(260);
    expect(result.message.endsWith('…')).toBe(true);
  });
});
