import type { JsonSchema, OpenApiDocument } from '../../api/resources';

/**
 * Follows `$ref` (and a lone `allOf` wrapper, Swagger's way of attaching a description to a `$ref`)
 * inside the OpenAPI document, so the form sees plain schemas. Depth-limited against cyclic schemas.
 */
export function resolveSchema(schema: JsonSchema | undefined, doc: OpenApiDocument, depth = 0): JsonSchema {
  if (!schema || depth > 20) return {};
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    return resolveSchema(doc.components.schemas[name], doc, depth + 1);
  }
  if (schema.allOf?.length === 1) {
    const { allOf, ...rest } = schema;
    return { ...resolveSchema(allOf[0], doc, depth + 1), ...rest };
  }
  return schema;
}

/** The type of a schema node, taking the first non-null one of a list. */
export function schemaType(schema: JsonSchema): string | undefined {
  if (Array.isArray(schema.type)) return schema.type.find((t) => t !== 'null');
  if (schema.type) return schema.type;
  if (schema.properties) return 'object';
  return undefined;
}

/** Reads a dotted path (`auth.token`) from a config object. */
export function getPath(value: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), value);
}

/** Returns a copy of `value` with `path` set (or removed when `next` is undefined); intermediate objects are created. */
export function setPath(value: Record<string, unknown>, path: string, next: unknown): Record<string, unknown> {
  const [head, ...rest] = path.split('.');
  const copy = { ...value };
  if (rest.length === 0) {
    if (next === undefined) delete copy[head];
    else copy[head] = next;
    return copy;
  }
  const child = copy[head] && typeof copy[head] === 'object' ? (copy[head] as Record<string, unknown>) : {};
  copy[head] = setPath(child, rest.join('.'), next);
  return copy;
}
