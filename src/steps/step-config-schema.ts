import type { Type } from '@nestjs/common';
import { getMetadataStorage, ValidationTypes } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { targetConstructorToSchema, validationMetadatasToSchemas } from 'class-validator-jsonschema';
import type { MetadataStorage as TransformerMetadataStorage } from 'class-transformer/types/MetadataStorage';
// class-transformer keeps @Type(() => X) in this storage and does not export it from its index.
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as { defaultMetadataStorage: TransformerMetadataStorage };

export type JsonSchema = Record<string, unknown>;

/**
 * A custom constraint (`@Satisfies`, `@IsTimeInput`) says nothing the generator can read, and its
 * default falls back to the reflected type: `$ref #/definitions/Object` for an `unknown` or map field.
 * Primitives keep their type; anything else is left open (`{}`) unless the field adds `@JSONSchema`.
 */
function customConstraintSchema(meta: ValidationMetadata): JsonSchema {
  const reflected: unknown = Reflect.getMetadata('design:type', (meta.target as { prototype: object }).prototype, meta.propertyName);
  if (reflected === String) return { type: 'string' };
  if (reflected === Number) return { type: 'number' };
  if (reflected === Boolean) return { type: 'boolean' };
  if (reflected === Array) return { type: 'array' };
  return {};
}

const DEFINITIONS = '#/definitions/';

/**
 * The JSON Schema of a step config class, self-contained: nested classes (`@ValidateNested` +
 * `@Type(() => X)`) are `$ref`s into the schema's own `definitions`, holding every class reached.
 * Without class-transformer's storage the generator sees only the reflected property type, and an
 * array of nested objects became `#/definitions/Array`, which nothing defined.
 */
export function stepConfigSchema(config: Type<object>): JsonSchema {
  const options = {
    classValidatorMetadataStorage: getMetadataStorage(),
    classTransformerMetadataStorage: defaultMetadataStorage,
    refPointerPrefix: DEFINITIONS,
    additionalConverters: { [ValidationTypes.CUSTOM_VALIDATION]: customConstraintSchema },
  };
  const root = targetConstructorToSchema(config, options) as JsonSchema;
  let known: Record<string, JsonSchema> | undefined;
  let nested: Map<string, Type<object>> | undefined;
  const definitions: Record<string, JsonSchema> = {};
  const collect = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(collect);
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(DEFINITIONS)) {
        const name = value.slice(DEFINITIONS.length);
        if (Object.hasOwn(definitions, name)) continue;
        known ??= validationMetadatasToSchemas(options) as Record<string, JsonSchema>;
        // A subclass that only renames a shared class (KafkaSearchPattern) has no validation of its own to be listed by.
        const renamed = Object.hasOwn(known, name) ? undefined : (nested ??= nestedClasses(config)).get(name);
        if (!Object.hasOwn(known, name) && !renamed) throw new Error(`step config ${config.name}: $ref ${value} names no class with validation metadata`);
        definitions[name] = renamed ? (targetConstructorToSchema(renamed, options) as JsonSchema) : known[name];
        collect(definitions[name]);
      } else {
        collect(value);
      }
    }
  };
  collect(root);
  return Object.keys(definitions).length ? { ...root, definitions } : root;
}

/** The classes reached from `config` through `@ValidateNested` + `@Type(() => X)`, by name. */
function nestedClasses(config: Type<object>, found = new Map<string, Type<object>>()): Map<string, Type<object>> {
  for (const meta of getMetadataStorage().getTargetValidationMetadatas(config, '', true, false)) {
    if (meta.type !== ValidationTypes.NESTED_VALIDATION) continue;
    const nested = defaultMetadataStorage.findTypeMetadata(config, meta.propertyName)?.typeFunction() as Type<object> | undefined;
    if (typeof nested !== 'function' || found.has(nested.name)) continue;
    found.set(nested.name, nested);
    nestedClasses(nested, found);
  }
  return found;
}
