import { Satisfies } from '../../common/validation/satisfies.decorator';
import { ValidateIf, type ValidationArguments, type ValidationOptions, registerDecorator } from 'class-validator';

/**
 * Optional, but not nullable: the field may be left out (its default applies), while an explicit
 * `null` is validated — and refused — like any other wrong value. (`@IsOptional` would let null
 * through and overwrite the default.)
 */
export function Optional(): PropertyDecorator {
  return ValidateIf((_, value) => value !== undefined);
}

/**
 * An absolute http(s) URL, without credentials (those belong in the encrypted auth fields) unless the
 * type stores the URL as a secret when it carries them (`credentialsAllowed`, the http type's baseUrl).
 */
export function IsHttpUrl(settings: { credentialsAllowed?: boolean } = {}, options?: ValidationOptions): PropertyDecorator {
  return custom('isHttpUrl', options, (value) => {
    if (typeof value !== 'string' || value.length > 2048) return 'must be an http:// or https:// URL';
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return 'must be an http:// or https:// URL';
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http:// or https:// URL';
    if (!settings.credentialsAllowed && (url.username || url.password)) return 'must not contain credentials; use the auth fields, which are stored encrypted';
    return null;
  });
}

/** A plain object of string values with bounded size; keys must match `keyPattern`. */
export function IsStringMap(
  limits: { maxEntries: number; maxValueLength: number; keyPattern: RegExp; keyDescription: string },
  options?: ValidationOptions,
): PropertyDecorator {
  return custom('isStringMap', options, (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be an object of strings';
    const entries = Object.entries(value);
    if (entries.length > limits.maxEntries) return `must have at most ${limits.maxEntries} entries`;
    for (const [key, item] of entries) {
      if (!limits.keyPattern.test(key)) return `key "${key.slice(0, 80)}" is not ${limits.keyDescription}`;
      if (typeof item !== 'string') return `value of "${key}" must be a string`;
      if (item.length > limits.maxValueLength) return `value of "${key}" must be at most ${limits.maxValueLength} characters`;
    }
    return null;
  });
}

/** Refuses the field when `other` is also set (either a URL or host/port, not both). */
export function NotWith(other: string, options?: ValidationOptions): PropertyDecorator {
  return custom('notWith', options, (value, args) =>
    value !== undefined && (args.object as Record<string, unknown>)[other] !== undefined ? `cannot be combined with ${other}` : null,
  );
}

/** Every item is `host:port` (Kafka bootstrap brokers). */
export function IsHostPortList(options?: ValidationOptions): PropertyDecorator {
  return custom('isHostPortList', options, (value) => {
    if (!Array.isArray(value)) return 'must be an array of host:port strings';
    for (const item of value) {
      const match = typeof item === 'string' ? /^([A-Za-z0-9.-]{1,253}|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(item) : null;
      if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535) return `"${String(item).slice(0, 80)}" is not host:port`;
    }
    return null;
  });
}

/** A custom constraint whose check returns the problem (without the field name) or null. */
function custom(name: string, options: ValidationOptions | undefined, check: (value: unknown, args: ValidationArguments) => string | null): PropertyDecorator {
  return Satisfies(name, check, options);
}
