import { instanceToPlain, plainToInstance, TransformationType, type ClassTransformOptions } from 'class-transformer';
import type { MetadataStorage as TransformerMetadataStorage } from 'class-transformer/types/MetadataStorage.js';
import { getMetadataStorage, ValidationError, ValidationTypes } from 'class-validator';

/**
 * Safe use of class-transformer and class-validator on user input (request bodies, flow documents,
 * step and resource configs). Two flaws of theirs, both triggered by keys named like members of
 * Object.prototype, which JSON.parse happily creates as own properties:
 *
 * 1. class-transformer walks every nested object, free-form ones too (a step config, a JSON variable
 *    value), and guesses a class for each from `value.constructor`: a `"constructor"` key makes it
 *    call `new <that value>()` (TypeError → 500). It also silently drops keys such as `toString`,
 *    `valueOf` or `__proto__` from them. `plainToDto` keeps free-form values out of its reach.
 * 2. Keys named like prototype members never reach class-validator's whitelist check (class-transformer
 *    drops them; Nest's ValidationPipe deletes `constructor`, `prototype`, `__proto__` first), and
 *    class-validator looks field names up in a plain object, so `constructor` would pass it anyway.
 *    `prototypeKeyErrors` reports them as the unknown fields they are.
 */

type Class = new (...args: never[]) => object;
type Json = Record<string, unknown>;

// class-transformer keeps its metadata storage out of its index; the package has no "exports" map, so
// the file is reachable (@nestjs/mapped-types reads it the same way).
const transformerMetadata = (require('class-transformer/cjs/storage.js') as { defaultMetadataStorage: TransformerMetadataStorage }).defaultMetadataStorage;

/** Types class-transformer converts a value to (or copies it as) rather than building a DTO from it. */
const NOT_DTO_TYPES: readonly unknown[] = [Object, Array, String, Number, Boolean, Date, Map, Set, Buffer];

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;

/**
 * A key class-transformer never copies onto an instance (it finds a method or accessor of that name on
 * the prototype chain, e.g. every Object.prototype member), plus `prototype`, which Nest's pipe deletes.
 */
function isPrototypeKey(cls: Class, key: string): boolean {
  return key === 'prototype' || key in cls.prototype;
}

/** The DTO class class-transformer builds for `holder[key]` (its `@Type`), if it builds one. */
export function dtoClassOf(cls: Class, key: string, holder: Json): Class | undefined {
  const metadata = transformerMetadata.findTypeMetadata(cls, key);
  const type = metadata?.typeFunction({ newObject: {}, object: holder, property: key });
  return typeof type === 'function' && !NOT_DTO_TYPES.includes(type) ? (type as Class) : undefined;
}

function defineData(target: object, key: string, value: unknown): void {
  // defineProperty, not assignment: a "__proto__" key must stay data instead of setting the prototype.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A deep copy of JSON-like data with every own key kept as data (class-transformer copied it too). */
function copyData(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyData);
  if (!isObject(value)) return value;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value; // Date, Buffer, ...: not JSON data
  const copy = {};
  for (const key of Object.keys(value)) defineData(copy, key, copyData(value[key]));
  return copy;
}

interface Detached {
  /** Path from the root instance to the object that gets the value back. */
  path: Array<string | number>;
  cls: Class;
  key: string;
  value: unknown;
  holder: Json;
}

/**
 * A copy of `raw` (a value class-transformer turns into `cls` instances) without the values it must not
 * walk: free-form objects and arrays (recorded in `detached`) and prototype-named keys (it would drop them).
 */
function detach(cls: Class, raw: unknown, path: Array<string | number>, detached: Detached[]): unknown {
  if (Array.isArray(raw)) return raw.map((item, index) => detach(cls, item, [...path, index], detached));
  if (!isObject(raw)) return raw;
  const copy = {};
  for (const key of Object.keys(raw)) {
    const value = raw[key];
    if (isPrototypeKey(cls, key)) continue; // class-transformer would drop it; prototypeKeyErrors reports it
    const dto = isObject(value) ? dtoClassOf(cls, key, raw) : undefined;
    if (dto) defineData(copy, key, detach(dto, value, [...path, key], detached));
    else if (isObject(value)) detached.push({ path, cls, key, value, holder: raw });
    else defineData(copy, key, value);
  }
  return copy;
}

/** class-transformer's @Transform functions of `cls[key]` for plain-to-class, applied as it would. */
function applyTransforms(item: Detached, value: unknown, options: ClassTransformOptions): unknown {
  const type = TransformationType.PLAIN_TO_CLASS;
  return transformerMetadata
    .findTransformMetadatas(item.cls, item.key, type)
    .filter((m) => !m.options?.groups?.length)
    .reduce((current, m) => m.transformFn({ value: current, key: item.key, obj: item.holder, type, options }), value);
}

/**
 * `plainToInstance` for user input: DTO-typed values (@Type) are built as before; free-form objects and
 * arrays are copied as they are, every key kept as data (a `"constructor"` key in a step config is just
 * a key). Keys named like prototype members are left out of DTO instances; see `prototypeKeyErrors`.
 * Not supported (unused here): @Type discriminators, @Expose renames, transform groups and versions.
 */
export function plainToDto<T extends object>(cls: new (...args: never[]) => T, raw: unknown, options?: ClassTransformOptions): T {
  const detached: Detached[] = [];
  const safe = detach(cls, raw, [], detached);
  const instance = plainToInstance(cls as new () => T, safe, options);
  for (const item of detached) {
    const target = item.path.reduce<unknown>((node, segment) => (node as Json)[segment], instance);
    defineData(target as object, item.key, applyTransforms(item, copyData(item.value), options ?? {}));
  }
  return instance;
}

/**
 * `instanceToPlain` for a DTO built by `plainToDto`, with the same care: its free-form values are taken
 * out while class-transformer works (it would crash on them as well) and copied into the result.
 */
export function dtoToPlain(cls: Class, instance: object, options?: ClassTransformOptions): Json {
  const detached: Detached[] = [];
  detach(cls, instance, [], detached); // only for the list: instances have no prototype-named own keys
  for (const item of detached) delete item.holder[item.key];
  let plain: Json;
  try {
    plain = instanceToPlain(instance, options);
  } finally {
    for (const item of detached) defineData(item.holder, item.key, item.value);
  }
  for (const item of detached) {
    const target = item.path.reduce<unknown>((node, segment) => (node as Json)[segment], plain);
    defineData(target as object, item.key, copyData(item.value));
  }
  return plain;
}

function problem(property: string, children: ValidationError[] = [], constraints?: Record<string, string>): ValidationError {
  return Object.assign(new ValidationError(), { property, children, constraints });
}

function nestedErrors(cls: Class, value: unknown): ValidationError[] {
  if (!Array.isArray(value)) return prototypeKeyErrors(cls, value);
  return value.flatMap((item, index) => {
    const children = nestedErrors(cls, item);
    return children.length ? [problem(String(index), children)] : [];
  });
}

const propertyCache = new WeakMap<Class, { known: Set<string>; nestedValidated: Set<string> }>();

/** A DTO's whitelisted and nested-validated properties; cached, since this runs on every request and step. */
function propertiesOf(cls: Class): { known: Set<string>; nestedValidated: Set<string> } {
  let properties = propertyCache.get(cls);
  if (!properties) {
    const metadata = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
    properties = {
      // Whitelisted = has any class-validator metadata, as for forbidNonWhitelisted.
      known: new Set(metadata.map((m) => m.propertyName)),
      nestedValidated: new Set(metadata.filter((m) => m.type === ValidationTypes.NESTED_VALIDATION).map((m) => m.propertyName)),
    };
    propertyCache.set(cls, properties);
  }
  return properties;
}

/**
 * Unknown own keys of `raw` named like prototype members (`constructor`, `toString`, `__proto__`,
 * `prototype`, ...), in `raw` and in the nested DTOs class-validator validates (@ValidateNested with
 * @Type), as class-validator's own `forbidNonWhitelisted` errors ("property x should not exist").
 * Must see the raw value: Nest's pipe deletes some of these keys in place before validating.
 */
export function prototypeKeyErrors(cls: Class, raw: unknown): ValidationError[] {
  if (!isObject(raw) || Array.isArray(raw)) return [];
  const { known, nestedValidated } = propertiesOf(cls);
  const errors: ValidationError[] = [];
  for (const key of Object.keys(raw)) {
    if (!known.has(key)) {
      if (isPrototypeKey(cls, key)) errors.push(problem(key, [], { [ValidationTypes.WHITELIST]: `property ${key} should not exist` }));
      continue;
    }
    const dto = nestedValidated.has(key) && isObject(raw[key]) ? dtoClassOf(cls, key, raw) : undefined;
    const children = dto ? nestedErrors(dto, raw[key]) : [];
    if (children.length) errors.push(problem(key, children));
  }
  return errors;
}
