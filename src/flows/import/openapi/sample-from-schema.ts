/**
 * A plausible value for a (dereferenced) JSON schema, used as a request body or a variable default:
 * example > default > enum[0] > a placeholder by type. Objects get their required properties only,
 * arrays one element, so a generated body stays small and valid for the schema's usual constraints.
 * Bounded in depth and safe on circular schemas (a dereferenced document may contain cycles).
 */
const MAX_DEPTH = 8;

type Schema = Record<string, unknown>;

export function sampleFromSchema(schema: unknown): unknown {
  return sample(schema, 0, new Set());
}

/** The value an example/default/enum gives explicitly, or undefined when the schema names none. */
export function documentedValue(schema: unknown): unknown {
  if (!isSchema(schema)) return undefined;
  if (schema.example !== undefined) return schema.example;
  if (Array.isArray(schema.examples) && schema.examples.length) return schema.examples[0];
  if (schema.default !== undefined) return schema.default;
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
  if (schema.const !== undefined) return schema.const;
  return undefined;
}

/** The first non-null type of a schema (OpenAPI 3.1 allows `type: [string, "null"]`). */
export function schemaType(schema: unknown): string | undefined {
  if (!isSchema(schema)) return undefined;
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (typeof type === 'string') return type;
  if (isSchema(schema.properties)) return 'object';
  if (schema.items !== undefined) return 'array';
  const [first] = alternatives(schema);
  return first ? schemaType(first) : undefined;
}

function sample(schema: unknown, depth: number, path: Set<object>): unknown {
  if (!isSchema(schema) || path.has(schema) || depth > MAX_DEPTH) return undefined;
  const documented = documentedValue(schema);
  if (documented !== undefined) return documented;
  path.add(schema);
  try {
    if (Array.isArray(schema.allOf) && schema.allOf.length) return mergeAll(schema.allOf.map((part) => sample(part, depth + 1, path)));
    const [first] = alternatives(schema);
    if (first && schema.type === undefined && schema.properties === undefined) return sample(first, depth + 1, path);
    switch (schemaType(schema)) {
      case 'object':
        return sampleObject(schema, depth, path);
      case 'array': {
        const item = sample(schema.items, depth + 1, path);
        return item === undefined ? [] : [item];
      }
      case 'string':
        return sampleString(schema.format);
      case 'integer':
      case 'number':
        return typeof schema.minimum === 'number' ? schema.minimum : 0;
      case 'boolean':
        return true;
      default:
        return null;
    }
  } finally {
    path.delete(schema);
  }
}

function sampleObject(schema: Schema, depth: number, path: Set<object>): Record<string, unknown> {
  const properties = isSchema(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required.filter((n): n is string => typeof n === 'string') : [];
  const result: Record<string, unknown> = {};
  for (const name of required) {
    const value = sample(properties[name], depth + 1, path);
    if (value !== undefined) result[name] = value;
  }
  return result;
}

function sampleString(format: unknown): string {
  switch (format) {
    case 'date-time':
      return '2024-01-01T00:00:00Z';
    case 'date':
      return '2024-01-01';
    case 'uuid':
      return '00000000-0000-4000-8000-000000000000';
    case 'email':
      return 'user@example.com';
    case 'uri':
    case 'url':
      return 'https://example.com';
    default:
      return 'string';
  }
}

/** allOf parts: objects merged, otherwise the first part that gives a value. */
function mergeAll(parts: unknown[]): unknown {
  const defined = parts.filter((p) => p !== undefined);
  if (defined.length && defined.every((p) => p !== null && typeof p === 'object' && !Array.isArray(p))) return Object.assign({}, ...defined);
  return defined[0];
}

function alternatives(schema: Schema): unknown[] {
  for (const key of ['oneOf', 'anyOf'] as const) if (Array.isArray(schema[key]) && schema[key].length) return schema[key];
  return [];
}

export function isSchema(value: unknown): value is Schema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
