import { describeJsonType, jsonTypeOf } from '../substitution/json-type';
import { ASSERTION_VALUE_TYPES, type AssertionOperator } from './assertion';
import { formatValue } from './format-value';
import { compilePattern, formatPattern, type CompiledPattern } from './regex-pattern';
import { compareForOrder, isIsoDate } from './value-ordering';
import { valuesEqual } from './value-equality';

export interface OperatorOutcome {
  passed: boolean;
  /** Replaces the default "but was <actual>" of a failure when the reason needs more words. */
  but?: string;
}

export interface OperatorSpec {
  /** "expected 201", "expected > 10": the first half of every message. */
  expectation(expected: unknown): string;
  /**
   * What is wrong with `expected` for this operator, as a predicate ("must be an array"), or
   * undefined. Checked on save (DTO) and again before evaluating.
   */
  expectedProblem(expected: unknown): string | undefined;
  /** Only called when the path resolved to a value (possibly null); a missing value is handled by the caller. */
  evaluate(actual: unknown, expected: unknown): OperatorOutcome;
}

const requireValue = (expected: unknown) => (expected === undefined ? 'is required' : undefined);
const requireArray = (expected: unknown) => (Array.isArray(expected) ? undefined : 'must be an array');
const requireOrderable = (expected: unknown) =>
  typeof expected === 'number' || isIsoDate(expected) ? undefined : 'must be a number or an ISO date';
const requirePattern = (expected: unknown) => {
  if (typeof expected !== 'string') return 'must be a regular expression string';
  const compiled = compilePattern(expected);
  return typeof compiled === 'string' ? `is not a valid regular expression ${formatPattern(expected)} (${compiled})` : undefined;
};

function ordered(symbol: string, accept: (difference: number) => boolean): OperatorSpec {
  return {
    expectation: (expected) => `expected ${symbol} ${formatValue(expected)}`,
    expectedProblem: requireOrderable,
    evaluate: (actual, expected) => {
      const comparison = compareForOrder(actual, expected);
      if ('problem' in comparison) return { passed: false, but: `but was ${formatValue(actual)} (${comparison.problem})` };
      return { passed: accept(comparison.difference) };
    },
  };
}

/** true/false, or why `actual` cannot contain `expected`. */
function containment(actual: unknown, expected: unknown): boolean | string {
  if (typeof actual === 'string') {
    if (['string', 'number', 'boolean'].includes(typeof expected)) return actual.includes(String(expected));
    return 'a string can only contain text';
  }
  if (Array.isArray(actual)) return actual.some((item) => valuesEqual(item, expected));
  if (actual !== null && typeof actual === 'object') {
    if (jsonTypeOf(expected) !== 'object') return 'an object can only contain an object of fields';
    const record = actual as Record<string, unknown>;
    return Object.entries(expected as object).every(
      ([key, value]) => Object.hasOwn(record, key) && valuesEqual(record[key], value),
    );
  }
  return `${describeJsonType(actual)} cannot contain anything`;
}

function lengthOf(value: unknown): number | undefined {
  if (typeof value === 'string' || Array.isArray(value)) return value.length;
  if (jsonTypeOf(value) === 'object') return Object.keys(value as object).length;
  return undefined;
}

export const ASSERTION_OPERATOR_SPECS: Readonly<Record<AssertionOperator, OperatorSpec>> = {
  equals: {
    expectation: (expected) => `expected ${formatValue(expected)}`,
    expectedProblem: requireValue,
    evaluate: (actual, expected) => ({ passed: valuesEqual(actual, expected) }),
  },
  notEquals: {
    expectation: (expected) => `expected not ${formatValue(expected)}`,
    expectedProblem: requireValue,
    evaluate: (actual, expected) => ({ passed: !valuesEqual(actual, expected) }),
  },
  contains: {
    expectation: (expected) => `expected to contain ${formatValue(expected)}`,
    expectedProblem: requireValue,
    evaluate: (actual, expected) => {
      const contained = containment(actual, expected);
      return typeof contained === 'string'
        ? { passed: false, but: `but was ${formatValue(actual)} (${contained})` }
        : { passed: contained };
    },
  },
  notContains: {
    expectation: (expected) => `expected not to contain ${formatValue(expected)}`,
    expectedProblem: requireValue,
    evaluate: (actual, expected) => {
      const contained = containment(actual, expected);
      return typeof contained === 'string'
        ? { passed: false, but: `but was ${formatValue(actual)} (${contained})` }
        : { passed: !contained };
    },
  },
  matches: {
    expectation: (expected) => `expected to match ${formatPattern(String(expected))}`,
    expectedProblem: requirePattern,
    evaluate: (actual, expected) => {
      if (!['string', 'number', 'boolean'].includes(typeof actual)) {
        return { passed: false, but: `but was ${formatValue(actual)} (not text)` };
      }
      return { passed: (compilePattern(expected as string) as CompiledPattern).test(String(actual)) };
    },
  },
  gt: ordered('>', (difference) => difference > 0),
  gte: ordered('>=', (difference) => difference >= 0),
  lt: ordered('<', (difference) => difference < 0),
  lte: ordered('<=', (difference) => difference <= 0),
  exists: {
    expectation: () => 'expected to exist',
    expectedProblem: () => undefined,
    evaluate: (actual) => ({ passed: actual !== null }),
  },
  notExists: {
    expectation: () => 'expected not to exist',
    expectedProblem: () => undefined,
    evaluate: (actual) => ({ passed: actual === null }),
  },
  in: {
    expectation: (expected) => `expected one of ${formatValue(expected)}`,
    expectedProblem: requireArray,
    evaluate: (actual, expected) => ({ passed: (expected as unknown[]).some((item) => valuesEqual(actual, item)) }),
  },
  notIn: {
    expectation: (expected) => `expected none of ${formatValue(expected)}`,
    expectedProblem: requireArray,
    evaluate: (actual, expected) => ({ passed: !(expected as unknown[]).some((item) => valuesEqual(actual, item)) }),
  },
  lengthEquals: {
    expectation: (expected) => `expected length ${formatValue(expected)}`,
    expectedProblem: (expected) =>
      Number.isSafeInteger(expected) && (expected as number) >= 0 ? undefined : 'must be a non-negative integer',
    evaluate: (actual, expected) => {
      const length = lengthOf(actual);
      if (length === undefined) return { passed: false, but: `but was ${formatValue(actual)} (${describeJsonType(actual)} has no length)` };
      return { passed: length === expected, but: `but length was ${length}` };
    },
  },
  isType: {
    expectation: (expected) => `expected type ${String(expected)}`,
    expectedProblem: (expected) =>
      (ASSERTION_VALUE_TYPES as readonly unknown[]).includes(expected)
        ? undefined
        : `must be one of ${ASSERTION_VALUE_TYPES.join(', ')}`,
    evaluate: (actual, expected) => {
      const type = jsonTypeOf(actual);
      return { passed: type === expected, but: `but was ${type} (${formatValue(actual)})` };
    },
  },
};
