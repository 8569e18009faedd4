import { toStorableBatch } from './storable-json';
import { capAssertions, capJson, jsonBytes, ResultBudget, SerializedJson, STUB_BYTES, truncateUtf8 } from './stored-result';

const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

describe('capJson', () => {
  it('stores a value that fits as it is, with the JSON it measured', () => {
    const value = { status: 200, body: { id: 'o-1' } };
    const stored = capJson(value, 1024);
    expect(stored.value).toBe(value);
    expect(stored.json.text).toBe(JSON.stringify(value));
    expect(stored.bytes).toBe(bytesOf(value));
  });

  it('keeps the small fields of a big result and previews the big one, within the cap', () => {
    const body = 'x'.repeat(100_000) + 'END';
    const value = { status: 200, headers: { 'content-type': 'text/plain' }, body, durationMs: 5, size: body.length };
    const stored = capJson(value, 10_000);
    expect(stored.bytes).toBeLessThanOrEqual(10_000);
    expect(stored.bytes).toBe(Buffer.byteLength(stored.json.text));
    expect(JSON.parse(stored.json.text)).toEqual(stored.value);
    expect(stored.value).toMatchObject({
      status: 200,
      headers: { 'content-type': 'text/plain' },
      durationMs: 5,
      size: body.length,
      truncated: true,
      originalBytes: bytesOf(value),
      limit: 'step',
      truncatedFields: ['body'],
    });
    const preview = (stored.value as { body: string }).body;
    expect(body.startsWith(preview)).toBe(true);
    expect(preview.length).toBeGreaterThan(4000);
  });

  it('stores a big non-object as a preview of its JSON', () => {
    const value = Array.from({ length: 5000 }, (_, i) => ({ i }));
    const stored = capJson(value, 2000, 'execution');
    expect(stored.bytes).toBeLessThanOrEqual(2000);
    const v = stored.value as { truncated: boolean; originalBytes: number; limit: string; preview: string };
    expect(v).toMatchObject({ truncated: true, originalBytes: bytesOf(value), limit: 'execution' });
    expect(JSON.stringify(value).startsWith(v.preview)).toBe(true);
  });

  it('never cuts a multi-byte character or a surrogate pair', () => {
    const body = '😀é'.repeat(10_000);
    const stored = capJson({ body }, 3001);
    expect(stored.bytes).toBeLessThanOrEqual(3001);
    const preview = (stored.value as { body: string }).body;
    expect(body.startsWith(preview)).toBe(true);
    expect(preview).not.toMatch(/[\ud800-\udbff]$/);
  });
});

describe('jsonBytes', () => {
  it('equals the UTF-8 bytes of JSON.stringify for every kind of value', () => {
    const values: unknown[] = [
      null, true, false, 0, -1.5e-7, 12345678901234, NaN, 'plain', '', 'quote " back \\ slash', 'ctl \n\t\u0001\u001f\b\f\r', 'é😀中',
      'lone \ud800 x \udc00', [1, undefined, () => 1, 'a'], { a: 1, skip: undefined, f: () => 1, 'k"ey': [{}], n: null },
      { when: new Date(0) }, [], {}, { nested: { deep: ['x', { y: 'ü' }] } },
    ];
    for (const value of values) expect([value, jsonBytes(value)]).toEqual([value, Buffer.byteLength(JSON.stringify(value) ?? 'null')]);
  });
});

describe('truncateUtf8', () => {
  it('returns the longest prefix within the byte count', () => {
    expect(truncateUtf8('abcdef', 4)).toBe('abcd');
    expect(truncateUtf8('ééé', 5)).toBe('éé');
    expect(truncateUtf8('short', 100)).toBe('short');
  });
});

describe('capAssertions', () => {
  it('replaces a huge actual value by a preview and keeps the verdict and message', () => {
    const results = [{ path: 'body', operator: 'contains', expected: 'END', actual: 'y'.repeat(50_000) + 'END', passed: true, message: 'body contains "END", was "yyy…"' }];
    const stored = capAssertions(results, 4096);
    expect(stored.bytes).toBeLessThanOrEqual(4096);
    expect(stored.value).toEqual([
      expect.objectContaining({ path: 'body', operator: 'contains', expected: 'END', passed: true, message: results[0].message, actualTruncated: true, actualBytes: 50_005 }),
    ]);
  });

  it('stores small results as they are', () => {
    const results = [{ path: 'status', operator: 'equals', expected: 200, actual: 200, passed: true, message: 'ok' }];
    expect(capAssertions(results, 4096).value).toBe(results);
  });
});

describe('ResultBudget', () => {
  it('cuts each value to the step cap, then to what is left of the execution total, never below a stub', () => {
    const budget = new ResultBudget(0, 10_000, 25_000);
    const big = { body: 'z'.repeat(50_000) };
    const first = budget.store(big);
    expect(first.bytes).toBeLessThanOrEqual(10_000);
    expect(first.value).toMatchObject({ truncated: true, limit: 'step' });
    budget.store(big);
    const third = budget.store(big);
    expect(third.value).toMatchObject({ truncated: true, limit: 'execution' });
    expect(budget.storedBytes).toBeLessThanOrEqual(25_000 + STUB_BYTES);
    const stub = budget.store(big);
    expect(stub.bytes).toBeLessThanOrEqual(STUB_BYTES);
    expect(stub.value).toMatchObject({ truncated: true, originalBytes: bytesOf(big), limit: 'execution' });
    expect(budget.store({ status: 200 }).value).toEqual({ status: 200 }); // small values still fit a stub
  });

  it('starts from the bytes a resumed execution had already stored', () => {
    const budget = new ResultBudget(24_000, 10_000, 25_000);
    expect(budget.store({ body: 'q'.repeat(5000) }).value).toMatchObject({ truncated: true, limit: 'execution' });
  });
});

describe('toStorableBatch', () => {
  it('splices serialized results into the batch and keeps the jsonb-safety rule', () => {
    const writes = [{ stepIndex: 0, status: 'SUCCESS', response: new SerializedJson(JSON.stringify({ body: 'a\u0000b' })), error: null }];
    expect(JSON.parse(toStorableBatch(writes))).toEqual([{ stepIndex: 0, status: 'SUCCESS', response: { body: 'a\ufffdb' }, error: null }]);
  });

  it('is toStorableJson for plain values', () => {
    expect(toStorableBatch([{ a: '$1 $& "x"' }])).toBe(JSON.stringify([{ a: '$1 $& "x"' }]));
  });
});
