import { deepEqual, isNumericString, valuesEqual } from './value-equality';

describe('deepEqual', () => {
  it.each([
    [1, 1, true],
    ['a', 'a', true],
    [null, null, true],
    [null, undefined, false],
    [0, '0', false],
    [[1, [2]], [1, [2]], true],
    [[1, 2], [2, 1], false],
    [[1], [1, 2], false],
    [{ a: 1, b: { c: [1] } }, { b: { c: [1] }, a: 1 }, true],
    [{ a: 1 }, { a: 1, b: 2 }, false],
    [{ a: 1, b: undefined }, { a: 1 }, true],
    [{}, [], false],
    [{ 0: 'a' }, ['a'], false],
  ])('%j vs %j → %s', (a, b, equal) => {
    expect(deepEqual(a, b)).toBe(equal);
    expect(deepEqual(b, a)).toBe(equal);
  });
});

describe('valuesEqual', () => {
  it('is lenient only for a numeric-string actual and a number expected', () => {
    expect(valuesEqual('3', 3)).toBe(true);
    expect(valuesEqual('3.0', 3)).toBe(true);
    expect(valuesEqual(3, '3')).toBe(false);
    expect(valuesEqual('3', '3.0')).toBe(false);
    expect(valuesEqual(['3'], [3])).toBe(false);
  });
});

describe('isNumericString', () => {
  it.each(['0', '42', '-3.5', '1e3', '2.5E-2'])('accepts %j', (text) => expect(isNumericString(text)).toBe(true));
  it.each(['', ' 4', '4 ', '0x10', 'Infinity', 'NaN', '007', '1.', '.5', '+1'])('refuses %j', (text) =>
    expect(isNumericString(text)).toBe(false),
  );
  it('refuses non-strings', () => expect(isNumericString(4)).toBe(false));
});
