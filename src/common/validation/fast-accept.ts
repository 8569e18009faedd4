import { getMetadataStorage, ValidationTypes, type ValidationArguments } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import type { ConstraintMetadata } from 'class-validator/types/metadata/ConstraintMetadata';
import { dtoClassOf } from './dto-input';

/**
 * A fast "is this raw JSON certainly valid?" for a DTO class, built once per class from the same
 * class-validator metadata `validateSync` reads, with the options every caller here uses (whitelist +
 * forbidNonWhitelisted + forbidUnknownValues, no groups, no implicit conversion).
 *
 * Why: class-validator builds a ValidationError for every property it visits, looks metadata up per
 * object and groups it again each time; on a 1,000-step flow that was most of the cost of saving it,
 * and the worker paid it again for every step's substituted config. Valid input is the common case.
 *
 * The contract is one-sided: `true` only when validateSync would report no error for the DTO built from
 * `raw`; `false` means "not sure", and the caller runs the full validation, which produces the messages.
 * So a rejection path never changes: every 400 still comes from class-validator. Anything this does not
 * model answers `false`: asynchronous constraints, @Transform/@Exclude/@Expose, a property initialised
 * by the class, nested values that are not plain objects, keys named like prototype members.
 */
export type Acceptor = (raw: unknown) => boolean;

type Class = new (...args: never[]) => object;
type Json = Record<string, unknown>;

const transformerMetadata = (
  require('class-transformer/cjs/storage.js') as {
    defaultMetadataStorage: {
      findTransformMetadatas(target: Class, key: string, type: number): unknown[];
      findExposeMetadatasByName?: unknown;
      getExposedMetadatas(target: Class): unknown[];
      getExcludedMetadatas(target: Class): unknown[];
    };
  }
).defaultMetadataStorage;

interface PropertyCheck {
  name: string;
  /** IsOptional / ValidateIf: when one answers false the property is not validated at all. */
  conditions: ValidationMetadata[];
  /** IsDefined and every custom (built-in or own) constraint, with its constraint instance. */
  constraints: Array<{ metadata: ValidationMetadata; validators: Array<ConstraintMetadata['instance']> }>;
  nested: boolean;
}

interface Compiled {
  properties: PropertyCheck[];
  known: Set<string>;
  cls: Class;
}

const NEVER: Acceptor = () => false;
const cache = new WeakMap<Class, Acceptor>();

/** The acceptor of `cls` (compiled on first use, then cached). */
export function acceptorOf(cls: Class): Acceptor {
  let acceptor = cache.get(cls);
  if (!acceptor) {
    const compiled = compile(cls);
    acceptor = compiled ? (raw) => accepts(compiled, raw) : NEVER;
    cache.set(cls, acceptor);
  }
  return acceptor;
}

function compile(cls: Class): Compiled | undefined {
  const storage = getMetadataStorage();
  const metadatas = storage.getTargetValidationMetadatas(cls, '', false, false, undefined);
  if (!metadatas.length) return undefined; // forbidUnknownValues: validateSync refuses it
  // class-transformer changes values on the way in: not modelled.
  if (transformerMetadata.getExposedMetadatas(cls).length || transformerMetadata.getExcludedMetadatas(cls).length) return undefined;
  let initialised: object;
  try {
    initialised = new cls();
  } catch {
    return undefined;
  }
  const grouped = storage.groupByPropertyName(metadatas);
  // Declared fields are own properties holding undefined (ES2022 class fields), which is what a missing
  // key reads as here too; a field initialiser, though, would be validated when the input lacks the key,
  // and a field without metadata fails the whitelist: not modelled.
  for (const [key, value] of Object.entries(initialised)) if (value !== undefined || !grouped[key]) return undefined;
  const properties: PropertyCheck[] = [];
  for (const [name, list] of Object.entries(grouped)) {
    if (transformerMetadata.findTransformMetadatas(cls, name, 0 /* PLAIN_TO_CLASS */).length) return undefined;
    const check: PropertyCheck = { name, conditions: [], constraints: [], nested: false };
    for (const m of list) {
      switch (m.type) {
        case ValidationTypes.WHITELIST:
          break;
        case ValidationTypes.CONDITIONAL_VALIDATION:
          check.conditions.push(m);
          break;
        case ValidationTypes.NESTED_VALIDATION:
          check.nested = true;
          break;
        case ValidationTypes.IS_DEFINED:
        case ValidationTypes.CUSTOM_VALIDATION: {
          const instances = storage.getTargetValidatorConstraints(m.constraintCls);
          if (!instances.length || instances.some((c) => c.async)) return undefined;
          // `instance` is a getter that asks the container every time: resolved once here.
          check.constraints.push({ metadata: m, validators: instances.map((c) => c.instance) });
          break;
        }
        default:
          return undefined; // promise validation and anything newer
      }
    }
    properties.push(check);
  }
  return { properties, known: new Set(Object.keys(grouped)), cls };
}

function isPlainObject(value: unknown): value is Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function accepts(compiled: Compiled, raw: unknown): boolean {
  if (!isPlainObject(raw)) return false;
  for (const key in raw) if (!compiled.known.has(key)) return false; // forbidNonWhitelisted, prototype-named keys too
  // `for in` skips nothing own and enumerable; a non-enumerable own key cannot come from JSON.
  for (const property of compiled.properties) {
    const value = Object.hasOwn(raw, property.name) ? raw[property.name] : undefined;
    if (!property.conditions.every((m) => (m.constraints[0] as (o: object, v: unknown) => boolean)(raw, value))) continue;
    for (const { metadata, validators } of property.constraints) {
      if (metadata.validateIf && !metadata.validateIf(raw, value)) continue;
      const args: ValidationArguments = { targetName: compiled.cls.name, property: metadata.propertyName, object: raw, value, constraints: metadata.constraints };
      for (const instance of validators) {
        if (metadata.each && Array.isArray(value)) {
          for (const item of value) if (instance.validate(item, args) !== true) return false;
        } else if (instance.validate(value, args) !== true) {
          return false;
        }
      }
    }
    if (property.nested && value !== undefined && !acceptsNested(compiled.cls, property.name, raw, value)) return false;
  }
  return true;
}

/** @ValidateNested: a plain object of the @Type class, or an array of them. */
function acceptsNested(cls: Class, key: string, holder: Json, value: unknown): boolean {
  const dto = dtoClassOf(cls, key, holder);
  if (!dto) return false; // a free-form object: forbidUnknownValues refuses it
  const accept = acceptorOf(dto);
  if (Array.isArray(value)) return value.every((item) => isPlainObject(item) && accept(item));
  return isPlainObject(value) && accept(value);
}
