import { isNumericString } from './value-equality';

/** Calendar date, optionally with a time and zone: what JSON APIs and SQL drivers emit for timestamps. */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

export function isIsoDate(value: unknown): value is string {
  return typeof value === 'string' && ISO_DATE.test(value) && !Number.isNaN(Date.parse(value));
}

/**
 * Sign of `actual - expected` for gt/gte/lt/lte, or why they cannot be ordered. Numbers compare as
 * numbers (a numeric-string actual too, as for equals); two ISO date strings compare as instants, so
 * `body.createdAt gte ${now("-5m")}` works. Anything else is not silently ordered as text.
 */
export function compareForOrder(actual: unknown, expected: unknown): { difference: number } | { problem: string } {
  if (typeof expected === 'number') {
    if (typeof actual === 'number') return { difference: actual - expected };
    if (isNumericString(actual)) return { difference: Number(actual) - expected };
    return { problem: 'not a number' };
  }
  if (isIsoDate(expected)) {
    if (isIsoDate(actual)) return { difference: Date.parse(actual) - Date.parse(expected) };
    return { problem: 'not an ISO date' };
  }
  return { problem: 'the expected value must be a number or an ISO date' };
}
