/**
 * The subset of JSON Schema (draft-07) the step catalogue produces, and the helpers the schema-driven
 * form needs: follow `$ref`s into the root's `definitions`, and decide which kind of input a schema gets.
 */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  title?: string;
  description?: string;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  format?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  definitions?: Record<string, JsonSchema>;
  minimum?: number;
  maximum?: number;
  example?: unknown;
}

/** Follows `$ref: '#/definitions/X'` (and merges a single-entry allOf, how class references are wrapped). */
export function resolveSchema(schema: JsonSchema | undefined, root: JsonSchema, depth = 0): JsonSchema {
  if (!schema) return {};
  if (depth > 20) return {};
  if (schema.$ref) {
    const name = /^#\/definitions\/(.+)$/.exec(schema.$ref)?.[1];
    const target = name ? root.definitions?.[decodeURIComponent(name)] : undefined;
    const { $ref: _ref, ...rest } = schema;
    return resolveSchema({ ...target, ...rest }, root, depth + 1);
  }
  if (schema.allOf?.length === 1 && !schema.type && !schema.properties) {
    const { allOf, ...rest } = schema;
    return resolveSchema({ ...allOf[0], ...rest }, root, depth + 1);
  }
  return schema;
}

export type SchemaKind = 'string' | 'number' | 'integer' | 'boolean' | 'enum' | 'object' | 'map' | 'array' | 'choice' | 'json';

/** Which input renders a (resolved) schema; anything the form cannot structure becomes a JSON text box. */
export function schemaKind(schema: JsonSchema): SchemaKind {
  if (schema.enum && schema.enum.length > 0) return 'enum';
  if (schema.oneOf?.length || schema.anyOf?.length) return 'choice';
  const type = Array.isArray(schema.type) ? schema.type.filter((t) => t !== 'null') : schema.type;
  const single = Array.isArray(type) ? (type.length === 1 ? type[0] : undefined) : type;
  switch (single) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'integer':
      return 'integer';
    case 'boolean':
      return 'boolean';
    case 'array':
      return 'array';
    case 'object':
      if (schema.properties && Object.keys(schema.properties).length > 0) return 'object';
      if (schema.additionalProperties && typeof schema.additionalProperties === 'object') return 'map';
      return 'json';
    default:
      return schema.properties ? 'object' : 'json';
  }
}

/** A starting value for a new array item or a freshly chosen alternative. */
export function emptyValue(schema: JsonSchema, root: JsonSchema): unknown {
  const resolved = resolveSchema(schema, root);
  if (resolved.default !== undefined) return resolved.default;
  switch (schemaKind(resolved)) {
    case 'string':
      return '';
    case 'enum':
      return resolved.enum?.[0];
    case 'boolean':
      return false;
    case 'number':
    case 'integer':
      return 0;
    case 'array':
      return [];
    case 'object':
    case 'map':
      return {};
    default:
      return undefined;
  }
}

/** A short label for an alternative of oneOf/anyOf. */
export function alternativeLabel(schema: JsonSchema, root: JsonSchema, index: number): string {
  const resolved = resolveSchema(schema, root);
  if (resolved.title) return resolved.title;
  if (schema.$ref) return schema.$ref.replace(/^#\/definitions\//, '');
  const type = Array.isArray(resolved.type) ? resolved.type.join(' | ') : resolved.type;
  return type ?? `option ${index + 1}`;
}

/** The index of the first alternative a value fits (by JSON type); 0 when none tells. */
export function matchingAlternative(alternatives: JsonSchema[], root: JsonSchema, value: unknown): number {
  const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  const index = alternatives.findIndex((alt) => {
    const resolved = resolveSchema(alt, root);
    const types = Array.isArray(resolved.type) ? resolved.type : resolved.type ? [resolved.type] : [];
    if (resolved.enum) return resolved.enum.includes(value);
    return types.some((t) => t === type || (t === 'integer' && type === 'number'));
  });
  return Math.max(0, index);
}
