import { describe, expect, it } from 'vitest';
import { structuralDiff } from './structural-diff';

describe('structuralDiff', () => {
  it('lists changed, missing and extra leaves with their paths', () => {
    expect(structuralDiff({ id: 'o-1', items: [{ sku: 'a', qty: 2 }], state: 'NEW' }, { id: 'o-1', items: [{ sku: 'a', qty: 3 }], extra: true })).toEqual([
      { path: 'items[0].qty', kind: 'changed', expected: 2, actual: 3 },
      { path: 'state', kind: 'missing', expected: 'NEW' },
      { path: 'extra', kind: 'extra', actual: true },
    ]);
  });

  it('is empty for equal values and reports a type change as one change', () => {
    expect(structuralDiff({ a: [1, { b: null }] }, { a: [1, { b: null }] })).toEqual([]);
    expect(structuralDiff({ a: [1] }, { a: { 0: 1 } })).toEqual([{ path: 'a', kind: 'changed', expected: [1], actual: { 0: 1 } }]);
  });

  it('stops at the limit', () => {
    const expected = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, i]));
    expect(structuralDiff(expected, {}, 5)).toHaveLength(5);
  });
});
