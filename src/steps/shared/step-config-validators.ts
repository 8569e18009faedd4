import type { ValidationOptions } from 'class-validator';
import { Satisfies } from '../../common/validation/satisfies.decorator';
import type { JSONSchema } from 'class-validator-jsonschema';
import { StepError } from '../step-plugin';

/**
 * Small validation helpers for step config DTOs and `validateRaw` checks, so that a plugin can reuse
 * the pure functions it runs with (they throw StepError with `details.field`) to validate on save.
 */

export interface RawProblem {
  path: string;
  message: string;
}


/** JSON Schema of an instant field, for the step catalogue (the union type has no runtime type to reflect). */
/** A JSON Schema object as `@JSONSchema` takes it (the function form excluded). */
export type JsonSchemaObject = Exclude<Parameters<typeof JSONSchema>[0], (...args: never[]) => unknown>;

export const TIME_INPUT_SCHEMA: JsonSchemaObject = {
  oneOf: [
    { type: 'integer', description: 'Epoch milliseconds' },
    { type: 'string', description: 'RFC 3339, e.g. 2026-05-01T12:00:00Z (or epoch milliseconds as digits)' },
  ],
};

/** Epoch milliseconds (integer) or a string (digits or RFC 3339, parsed by the plugin's validateRaw). */
export function IsTimeInput(options?: ValidationOptions): PropertyDecorator {
  return Satisfies(
    'isTimeInput',
    (value) => (Number.isSafeInteger(value) || (typeof value === 'string' && value.trim() !== '') ? null : 'must be epoch milliseconds or an RFC 3339 time such as "2026-05-01T12:00:00Z"'),
    options,
  );
}

/**
 * `${order.id}` becomes a number when the whole string is one reference; text fields (label values,
 * line patterns) take it as text instead of failing their string check. Used with @Transform.
 */
export function scalarToString(value: unknown): unknown {
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
}

export function scalarsToStrings(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scalarToString);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, scalarToString(item)]));
  return value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when a `${...}` reference remains anywhere inside (an unsaved-time value of any type). */
export function containsTemplate(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('${');
  if (Array.isArray(value)) return value.some(containsTemplate);
  if (isPlainObject(value)) return Object.values(value).some(containsTemplate);
  return false;
}

/**
 * Runs a pure check that throws StepError and turns the error into a raw problem: `details.field`
 * (`labels.app`, `containsPatterns[0]`, `duration1.relative`) becomes the pointer, and the `field: `
 * prefix of the message is dropped since the pointer already names it.
 */
export function problemsOf(check: () => unknown): RawProblem[] {
  try {
    check();
    return [];
  } catch (error) {
    if (!(error instanceof StepError)) throw error;
    const field = typeof error.details?.field === 'string' ? error.details.field : '';
    const path = field ? '/' + field.replace(/\[(\d+)\]/g, '.$1').split('.').join('/') : '';
    const message = field && error.message.startsWith(`${field}: `) ? error.message.slice(field.length + 2) : error.message;
    return [{ path, message }];
  }
}
