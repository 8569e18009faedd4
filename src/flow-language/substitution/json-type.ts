/** The JSON type names testers see in flow definitions and messages ('array' and 'null' are not `typeof`). */
export type JsonTypeName = 'string' | 'number' | 'boolean' | 'object' | 'array' | 'null';

export function jsonTypeOf(value: unknown): JsonTypeName | 'undefined' | 'other' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'object':
    case 'undefined':
      return typeof value as JsonTypeName | 'undefined';
    default:
      return 'other';
  }
}

/** "a string", "an array", "null": for messages such as `body.items is a string`. */
export function describeJsonType(value: unknown): string {
  const type = jsonTypeOf(value);
  if (type === 'null' || type === 'undefined') return type;
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
