/**
 * Equality used by equals, notEquals, contains (arrays and object fields), in and notIn: strict deep
 * equality of JSON values, with one deliberate exception — when `expected` is a number and `actual` a
 * numeric string, they are compared as numbers. SQL drivers return NUMERIC and BIGINT columns as
 * strings and HTTP header values are always strings, so `rows[0].count equals 3` and
 * `headers.content-length equals 42` should pass. The reverse (expected "3", actual 3) stays unequal.
 */
export function valuesEqual(actual: unknown, expected: unknown): boolean {
  if (typeof expected === 'number' && isNumericString(actual)) return Number(actual) === expected;
  return deepEqual(actual, expected);
}

/** A string holding a JSON number: "42", "-3.5", "1e3"; not "", " 4", "0x10", "Infinity" or "007". */
export function isNumericString(value: unknown): value is string {
  return typeof value === 'string' && /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(value);
}

/** Strict structural equality of JSON values; object key order is irrelevant, undefined fields count as absent. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, index) => deepEqual(item, other[index]));
  }
  const left = definedEntries(a);
  const right = new Map(definedEntries(b));
  return left.length === right.size && left.every(([key, value]) => right.has(key) && deepEqual(value, right.get(key)));
}

function definedEntries(value: object): Array<[string, unknown]> {
  return Object.entries(value).filter(([, item]) => item !== undefined);
}
