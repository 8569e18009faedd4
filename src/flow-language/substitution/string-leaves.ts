import { appendPointer } from './json-pointer';

/**
 * Rebuilds arrays and plain objects with every string replaced by `map(string, pointer)`; keys and
 * other values (numbers, Dates, Buffers...) are kept. The input is never mutated.
 */
export function mapStringLeaves(value: unknown, pointer: string, map: (text: string, pointer: string) => unknown): unknown {
  if (typeof value === 'string') return map(value, pointer);
  if (Array.isArray(value)) return value.map((item, index) => mapStringLeaves(item, appendPointer(pointer, index), map));
  if (isPlainObject(value)) {
    // fromEntries defines own properties, so a "__proto__" key stays data instead of a prototype.
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, mapStringLeaves(item, appendPointer(pointer, key), map)]),
    );
  }
  return value;
}

/** Calls `visit(string, pointer)` for every string inside arrays and plain objects. */
export function visitStringLeaves(value: unknown, pointer: string, visit: (text: string, pointer: string) => void): void {
  if (typeof value === 'string') {
    visit(value, pointer);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => visitStringLeaves(item, appendPointer(pointer, index), visit));
  } else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) visitStringLeaves(item, appendPointer(pointer, key), visit);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
